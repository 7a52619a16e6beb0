// The console's entry: sign-in when no token is held, else the screen the URL fragment names.
import { html, render } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import type { VNode } from 'preact';
import { currentToken, onSessionChange, signInFromFragment, signOut } from './session.js';
import { useRoute } from './route.js';
import { SignIn } from './screens/sign-in.js';
import { OverviewScreen } from './screens/overview.js';
import { ConnectionsScreen } from './screens/connections.js';
import { ActionsScreen } from './screens/actions.js';
import { SubscriptionsScreen } from './screens/subscriptions.js';
import { DeliveriesScreen, DeliveryScreen } from './screens/deliveries.js';
import { RunScreen, RunsScreen } from './screens/runs.js';

const SCREENS: { path: string; title: string }[] = [
  { path: 'overview', title: 'Overview' },
  { path: 'connections', title: 'Connections' },
  { path: 'actions', title: 'Actions' },
  { path: 'subscriptions', title: 'Subscriptions' },
  { path: 'deliveries', title: 'Deliveries' },
  { path: 'runs', title: 'Runs' },
];

function Screen(): VNode {
  const route = useRoute();
  const [screen, id] = route.path;
  useEffect(() => {
    const title = SCREENS.find((s) => s.path === screen)?.title ?? 'Not found';
    document.title = `${title} · stripe-connector`;
  }, [screen]);
  switch (screen) {
    case 'overview':
      return html`<${OverviewScreen} />`;
    case 'connections':
      return html`<${ConnectionsScreen} />`;
    case 'actions':
      return html`<${ActionsScreen} route=${route} />`;
    case 'subscriptions':
      return html`<${SubscriptionsScreen} route=${route} />`;
    case 'deliveries':
      return id ? html`<${DeliveryScreen} id=${id} />` : html`<${DeliveriesScreen} route=${route} />`;
    case 'runs':
      return id ? html`<${RunScreen} id=${id} />` : html`<${RunsScreen} route=${route} />`;
    default:
      return html`<h1>Not found</h1><p>No screen "${screen}". <a href="#/overview">Overview</a></p>`;
  }
}

function Console(): VNode {
  const [signedIn, setSignedIn] = useState(currentToken() !== null);
  useEffect(() => onSessionChange(() => setSignedIn(currentToken() !== null)), []);
  const route = useRoute();
  if (!signedIn) return html`<${SignIn} />`;
  return html`<div class="layout">
    <a class="skip" href="#main" onClick=${(e: Event) => {
      e.preventDefault();
      document.getElementById('main')?.focus();
    }}>Skip to content</a>
    <header>
      <span class="brand">stripe-connector</span>
      <nav aria-label="Screens">
        ${SCREENS.map((s) => html`<a href=${`#/${s.path}`} aria-current=${route.path[0] === s.path ? 'page' : undefined}>${s.title}</a>`)}
      </nav>
      <button type="button" class="sign-out" onClick=${signOut}>Sign out</button>
    </header>
    <main id="main" tabindex="-1"><${Screen} /></main>
  </div>`;
}

signInFromFragment();
render(html`<${Console} />`, document.getElementById('app') as HTMLElement);
