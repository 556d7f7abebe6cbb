//! Helpers for the write API: keys, authenticated requests, a second server on the
//! same database, and a graphql-ws client.

use std::net::SocketAddr;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use news_archive::auth::{self, Role};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::protocol::Message;

use super::{TestApp, TestDb, test_config};

/// The reference article (a print view with six quotes).
pub const SEED: &str = include_str!("../../fixtures/corpus/seed.txt");

/// How long a test waits for a message that should come.
pub const PATIENCE: Duration = Duration::from_secs(20);

impl TestDb {
    /// Creates an API key directly (as `archive keys create` does); returns its token.
    pub async fn key(&self, role: Role) -> String {
        let mut conn = self.conn().await;
        auth::create_key(&mut conn, &format!("{role:?} test key"), role)
            .await
            .expect("key created")
            .token
    }

    /// One number from SQL.
    pub async fn count(&self, sql: &str) -> i64 {
        use diesel_async::RunQueryDsl;
        #[derive(diesel::QueryableByName)]
        struct N {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let mut conn = self.conn().await;
        diesel::sql_query(sql)
            .get_result::<N>(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
            .n
    }

    /// Rows of SQL as JSON (the query must select one `json` column named `j`).
    pub async fn json(&self, sql: &str) -> Value {
        use diesel_async::RunQueryDsl;
        #[derive(diesel::QueryableByName)]
        struct J {
            #[diesel(sql_type = diesel::sql_types::Jsonb)]
            j: Value,
        }
        let mut conn = self.conn().await;
        diesel::sql_query(sql)
            .get_result::<J>(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
            .j
    }
}

impl TestApp {
    /// POSTs an operation with `Authorization: Bearer <token>`; status and JSON answer.
    pub async fn gql_as(&self, token: &str, query: &str, variables: Value) -> (u16, Value) {
        post_as(&self.client, self.addr, Some(token), query, variables).await
    }

    /// POSTs an operation with a key and returns `data`, failing on any error.
    pub async fn data_as(&self, token: &str, query: &str, variables: Value) -> Value {
        let (_, response) = self.gql_as(token, query, variables).await;
        assert!(
            response.get("errors").is_none(),
            "unexpected errors: {response:#}"
        );
        response["data"].clone()
    }

    /// POSTs an operation without a key; status and JSON answer.
    pub async fn gql_anonymous(&self, query: &str, variables: Value) -> (u16, Value) {
        post_as(&self.client, self.addr, None, query, variables).await
    }

    /// Another server process on this app's database (a second replica).
    pub fn replica(&self) -> Replica {
        self.replica_with(|_| {})
    }

    /// As [`TestApp::replica`], after `adjust` changed its configuration.
    pub fn replica_with(&self, adjust: impl FnOnce(&mut news_archive::config::Config)) -> Replica {
        let mut config = test_config(&self.db.url);
        adjust(&mut config);
        let pools = news_archive::db::Db::from_config(&config).expect("pools");
        let server = news_archive::http::Server::bind(config, pools).expect("bind");
        let addr = server.addr();
        let handle = server.handle();
        tokio::spawn(server.run());
        Replica {
            addr,
            client: reqwest::Client::new(),
            handle,
        }
    }

    /// Opens a graphql-ws connection, sending `init` as the `connection_init` payload.
    pub async fn websocket(&self, init: Value) -> Result<Ws, String> {
        Ws::connect(self.addr, None, init).await
    }

    /// As [`TestApp::websocket`], with an `Authorization` header on the upgrade request.
    pub async fn websocket_with_header(
        &self,
        authorization: &str,
        init: Value,
    ) -> Result<Ws, String> {
        Ws::connect(self.addr, Some(authorization), init).await
    }

    /// Ingests the seed article with `token`; returns the article's global ID.
    pub async fn ingest_seed(&self, token: &str) -> String {
        let data = self
            .data_as(
                token,
                "mutation($raw: String!) { ingestArticle(input: { raw: $raw }) {
                    article { id } outcome userErrors { field message } } }",
                json!({ "raw": SEED }),
            )
            .await;
        data["ingestArticle"]["article"]["id"]
            .as_str()
            .expect("an article")
            .to_owned()
    }
}

async fn post_as(
    client: &reqwest::Client,
    addr: SocketAddr,
    token: Option<&str>,
    query: &str,
    variables: Value,
) -> (u16, Value) {
    let mut request = client
        .post(format!("http://{addr}/graphql"))
        .json(&json!({ "query": query, "variables": variables }));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("request sent");
    let status = response.status().as_u16();
    (status, response.json().await.expect("JSON answer"))
}

/// A second server over the same database.
pub struct Replica {
    /// Where it listens.
    pub addr: SocketAddr,
    client: reqwest::Client,
    handle: actix_web::dev::ServerHandle,
}

impl Replica {
    /// POSTs an operation with a key; status and JSON answer.
    pub async fn gql_as(&self, token: &str, query: &str, variables: Value) -> (u16, Value) {
        post_as(&self.client, self.addr, Some(token), query, variables).await
    }
}

impl Drop for Replica {
    fn drop(&mut self) {
        drop(self.handle.stop(false));
    }
}

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// A graphql-transport-ws client connection.
pub struct Ws {
    socket: Socket,
    /// Messages read while waiting for another one.
    queued: std::collections::VecDeque<Value>,
}

impl Ws {
    /// Connects and initialises; `Err` carries the close reason if the server refused.
    pub async fn connect(
        addr: SocketAddr,
        authorization: Option<&str>,
        init: Value,
    ) -> Result<Self, String> {
        let mut request = format!("ws://{addr}/graphql")
            .into_client_request()
            .expect("request");
        if let Some(value) = authorization {
            request
                .headers_mut()
                .insert("Authorization", value.parse().expect("header"));
        }
        request.headers_mut().insert(
            "Sec-WebSocket-Protocol",
            "graphql-transport-ws".parse().expect("header"),
        );
        let (socket, response) = tokio_tungstenite::connect_async(request)
            .await
            .map_err(|e| e.to_string())?;
        assert_eq!(
            response
                .headers()
                .get("sec-websocket-protocol")
                .and_then(|v| v.to_str().ok()),
            Some("graphql-transport-ws")
        );
        let mut ws = Self {
            socket,
            queued: Default::default(),
        };
        ws.send(json!({ "type": "connection_init", "payload": init }))
            .await;
        match ws.next().await {
            Ok(message) if message["type"] == "connection_ack" => Ok(ws),
            Ok(other) => Err(format!("unexpected {other}")),
            Err(reason) => Err(reason),
        }
    }

    /// Connects with the legacy `graphql-ws` protocol (subscriptions-transport-ws) and
    /// initialises; the server acknowledges and sends a keep-alive.
    pub async fn connect_legacy(addr: SocketAddr) -> Result<Self, String> {
        let mut request = format!("ws://{addr}/graphql")
            .into_client_request()
            .expect("request");
        request.headers_mut().insert(
            "Sec-WebSocket-Protocol",
            "graphql-ws".parse().expect("header"),
        );
        let (socket, response) = tokio_tungstenite::connect_async(request)
            .await
            .map_err(|e| e.to_string())?;
        assert_eq!(
            response
                .headers()
                .get("sec-websocket-protocol")
                .and_then(|v| v.to_str().ok()),
            Some("graphql-ws")
        );
        let mut ws = Self {
            socket,
            queued: Default::default(),
        };
        ws.send(json!({ "type": "connection_init", "payload": {} }))
            .await;
        let ack = ws.next().await?;
        if ack["type"] != "connection_ack" {
            return Err(format!("unexpected {ack}"));
        }
        let ka = ws.next().await?;
        if ka["type"] != "ka" {
            return Err(format!("unexpected {ka}"));
        }
        Ok(ws)
    }

    /// Sends a protocol message as is.
    pub async fn send(&mut self, message: Value) {
        self.socket
            .send(Message::text(message.to_string()))
            .await
            .expect("sent");
    }

    /// Starts a subscription with id `id`, and waits until the server has started it:
    /// the server handles messages in order, so its `pong` to a `ping` sent after the
    /// subscription means every article committed from now on will be delivered.
    pub async fn subscribe(&mut self, id: &str, query: &str, variables: Value) {
        self.send(json!({
            "id": id, "type": "subscribe",
            "payload": { "query": query, "variables": variables }
        }))
        .await;
        self.send(json!({ "type": "ping" })).await;
        let mut early = Vec::new();
        loop {
            let message = self.next().await.expect("the pong");
            if message["type"] == "pong" {
                break;
            }
            early.push(message);
        }
        self.queued.extend(early);
    }

    /// The next protocol message (pings answered), or the close reason.
    pub async fn next(&mut self) -> Result<Value, String> {
        if let Some(message) = self.queued.pop_front() {
            return Ok(message);
        }
        loop {
            let message = tokio::time::timeout(PATIENCE, self.socket.next())
                .await
                .map_err(|_| "no message in time".to_owned())?;
            match message {
                Some(Ok(Message::Text(text))) => {
                    let value: Value = serde_json::from_str(text.as_str()).expect("JSON message");
                    if value["type"] == "ping" {
                        self.send(json!({ "type": "pong" })).await;
                        continue;
                    }
                    return Ok(value);
                }
                Some(Ok(Message::Close(frame))) => {
                    return Err(frame
                        .map(|f| format!("{} {}", u16::from(f.code), f.reason))
                        .unwrap_or_default());
                }
                Some(Ok(_)) => continue,
                Some(Err(e)) => return Err(e.to_string()),
                None => return Err("closed".into()),
            }
        }
    }

    /// The payload of the next `next` message, with the subscription id it belongs to.
    pub async fn next_data(&mut self) -> (String, Value) {
        let message = self.next().await.expect("a message");
        assert_eq!(message["type"], "next", "{message}");
        (
            message["id"].as_str().expect("an id").to_owned(),
            message["payload"].clone(),
        )
    }
}
