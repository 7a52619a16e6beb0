// The action cases against the project's Stripe emulator, over real HTTP with the real SDK.
import { customerCases, productCases } from './action-cases.js';
import { runActionSuite } from './action-suite.js';
import { emulatorPeer } from './peers.js';

runActionSuite(emulatorPeer, [...customerCases, ...productCases]);
