// GraphiQL for news-archive: queries and mutations over HTTP POST /graphql,
// subscriptions over the graphql-ws protocol on the same path. Everything (scripts,
// styles) is served by the archive itself; nothing is loaded from elsewhere.
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { createClient } from 'graphql-ws';
import 'graphiql/graphiql.css';

import article from './tour/article.graphql';
import list from './tour/list.graphql';
import speakers from './tour/speakers.graphql';
import subscription from './tour/subscription.graphql';

const endpoint = `${window.location.origin}/graphql`;
const socket = `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}/graphql`;

// The headers typed in GraphiQL's headers editor (say an Authorization key) also go
// into the websocket's connection_init payload, where the server looks for the key.
function currentHeaders() {
  try {
    return JSON.parse(window.localStorage.getItem('graphiql:headers') || '{}');
  } catch {
    return {};
  }
}

const fetcher = createGraphiQLFetcher({
  url: endpoint,
  wsClient: createClient({ url: socket, lazy: true, connectionParams: currentHeaders }),
});

const defaultTabs = [article, list, speakers, subscription].map((query) => ({ query }));

createRoot(document.getElementById('graphiql')).render(
  <GraphiQL fetcher={fetcher} defaultTabs={defaultTabs} defaultEditorToolsVisibility={false} />,
);
