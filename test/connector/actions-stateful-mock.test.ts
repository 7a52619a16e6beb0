// The createCustomer, getCustomer, updateCustomer and createProduct cases (and
// the updateProduct ones, skipped with the reason) against the third-party stripe-stateful-mock.
import { customerCases, productCases } from './action-cases.js';
import { runActionSuite } from './action-suite.js';
import { statefulMockPeer } from './peers.js';

runActionSuite(statefulMockPeer, [...customerCases, ...productCases]);
