//! The mutation root: ingest and corrections (editor role), API keys (admin role).
//!
//! Every mutation takes one `input` object and returns a payload with its result and
//! `userErrors`: a refused input is reported there (and nothing changes), while a
//! missing or insufficient key is a top-level error (`UNAUTHENTICATED`, `FORBIDDEN`).
//! Each runs in its own transaction on the primary, with the request's statement
//! timeout, and records who changed what in the corrections log.

use async_graphql::{
    Context, Enum, Guard, ID, InputObject, Json, MaybeUndefined, Object, SimpleObject,
};
use chrono::{DateTime, Utc};

use super::date::Date;
use diesel_async::{AsyncConnection, SimpleAsyncConnection};

use super::article::{Article, ArticleKind};
use super::data::Obj;
use super::entity::{Organization, OrganizationKind, Person};
use super::ids::{self, NodeType};
use super::quote::Quote;
use super::select;
use crate::auth::{self, Principal, Role};
use crate::db::Db;
use crate::db::api_key::{self, ApiKeyRow};
use crate::db::correction::Actor;
use crate::db::edit::{
    self, ArticleChanges, EditError, EditResult, Entity, EntityChanges, Invalid, SpeakerChoice,
};
use crate::db::read as plan;
use crate::db::store::{self, RawInput, Stored};
use crate::error::{AppError, AppResult};
use crate::ingest::{Format, ParseError};
use crate::load::{self, LoadError, Overrides};

/// A problem with one input field. When a payload has user errors, the mutation
/// changed nothing.
#[derive(SimpleObject, Debug, Clone, PartialEq, Eq)]
pub struct UserError {
    /// The path to the field in the mutation's arguments, e.g. `["input", "title"]`.
    pub field: Vec<String>,
    /// What is wrong, in words for the person who filled in the form.
    pub message: String,
}

impl UserError {
    fn new(field: &str, message: impl Into<String>) -> Self {
        Self {
            field: vec!["input".into(), field.into()],
            message: message.into(),
        }
    }
}

impl From<Invalid> for UserError {
    fn from(invalid: Invalid) -> Self {
        Self::new(invalid.field, invalid.message)
    }
}

/// Lets a field through only for keys with at least this role.
struct RoleGuard(Role);

impl Guard for RoleGuard {
    async fn check(&self, ctx: &Context<'_>) -> async_graphql::Result<()> {
        Ok(principal(ctx)?.require(self.0)?)
    }
}

/// The caller of this request; UNAUTHENTICATED without a key.
pub(crate) fn principal<'a>(ctx: &Context<'a>) -> AppResult<&'a Principal> {
    ctx.data_opt::<Principal>()
        .ok_or_else(AppError::unauthenticated)
}

fn db<'a>(ctx: &Context<'a>) -> AppResult<&'a Db> {
    ctx.data::<Db>()
        .map_err(|_| AppError::internal("no database in the schema"))
}

/// Runs `$body` (which uses the connection `$conn` and returns an `EditResult`) in a
/// transaction on the primary with the statement timeout. Evaluates to
/// `AppResult<Result<T, UserError>>`.
/// The caller's key is locked against revocation for the whole transaction (and the
/// change refused if it was revoked since the request was authenticated).
macro_rules! write_tx {
    ($ctx:expr, |$conn:ident| $body:expr) => {{
        let db = db($ctx)?;
        let key_id = principal($ctx)?.key_id;
        let timeout = db.timeout_sql();
        let mut pooled = db.write.get().await?;
        let result: EditResult<_> = pooled
            .transaction(async |$conn| {
                $conn.batch_execute(&timeout).await?;
                if !api_key::lock_live($conn, key_id).await? {
                    return Err(EditError::Revoked);
                }
                $body
            })
            .await;
        match result {
            Ok(value) => Ok(Ok(value)),
            Err(EditError::Invalid(invalid)) => Ok(Err(UserError::from(invalid))),
            Err(EditError::Revoked) => Err(AppError::unauthenticated()),
            Err(EditError::Db(e)) => Err(AppError::from(e)),
        }
    }};
}

fn actor(principal: &Principal) -> Actor<'_> {
    Actor {
        key_id: principal.key_id,
        name: &principal.name,
    }
}

/// A global ID of the expected type, or a user error on `field`.
fn id_of(kind: NodeType, id: &ID, field: &str) -> Result<i64, UserError> {
    ids::decode_as(kind, id).map_err(|e| UserError::new(field, e.message))
}

/// The payload object `field` of the mutation being resolved, read from the primary
/// with the selection the client made under that field.
async fn payload_object(
    ctx: &Context<'_>,
    field: &str,
    kind: plan::NodeKind,
    id: i64,
) -> AppResult<Option<Obj>> {
    let selection = select::child(ctx, field)?;
    let sql = plan::node(&mut plan::Aliases::tagged(), &selection, kind, id)?;
    Ok(super::read(ctx, sql)
        .await?
        .and_then(|v| v.as_obj().cloned()))
}

async fn load_article(ctx: &Context<'_>, id: i64) -> AppResult<Option<Article>> {
    Ok(payload_object(ctx, "article", plan::NodeKind::Article, id)
        .await?
        .map(Article))
}

async fn load_person(ctx: &Context<'_>, id: i64) -> AppResult<Option<Person>> {
    Ok(payload_object(ctx, "person", plan::NodeKind::Person, id)
        .await?
        .map(Person))
}

async fn load_organization(ctx: &Context<'_>, id: i64) -> AppResult<Option<Organization>> {
    Ok(
        payload_object(ctx, "organization", plan::NodeKind::Organization, id)
            .await?
            .map(Organization),
    )
}

async fn load_quote(ctx: &Context<'_>, id: i64) -> AppResult<Option<Quote>> {
    Ok(payload_object(ctx, "quote", plan::NodeKind::Quote, id)
        .await?
        .map(Quote))
}

// ---------------------------------------------------------------------------------------
// Inputs and payloads

/// An article to add: its text (a print view, or a JSON article as text) in `raw`, or a
/// JSON article in `json` — exactly one of the two.
#[derive(InputObject)]
pub struct IngestArticleInput {
    /// The text as captured: a print view or a JSON article.
    pub raw: Option<String>,
    /// A JSON article (`title`, `date`, `body`, ...) as an object.
    pub json: Option<Json<serde_json::Value>>,
    /// Where the article was published online; also a date source (`/YYYYMMDD.../`).
    pub source_url: Option<String>,
    /// The publication date, used when the text carries none.
    pub published_on: Option<Date>,
}

/// Whether `ingestArticle` added an article.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum IngestOutcome {
    /// A new article was added.
    Created,
    /// The same text was ingested before; the existing article is returned unchanged.
    AlreadyArchived,
}

/// The result of `ingestArticle`.
#[derive(SimpleObject)]
pub struct IngestArticlePayload {
    /// The new or already archived article; null when the input was refused.
    pub article: Option<Article>,
    /// Whether the article is new; null when the input was refused.
    pub outcome: Option<IngestOutcome>,
    /// Why the input was refused (empty on success).
    pub user_errors: Vec<UserError>,
}

/// Changes to an article's metadata; omitted fields are left as they are. The slug
/// does not change.
#[derive(InputObject)]
pub struct UpdateArticleInput {
    /// The article.
    pub id: ID,
    /// The headline.
    pub title: Option<String>,
    /// Translation, summary or original.
    pub kind: Option<ArticleKind>,
    /// The publication date.
    pub published_on: Option<Date>,
    /// The dateline ("BEIJING"); null clears it.
    pub dateline: MaybeUndefined<String>,
    /// Where the article was published online (http or https); null clears it.
    pub source_url: MaybeUndefined<String>,
    /// The article's tags, replacing the current ones.
    pub tags: Option<Vec<String>>,
}

/// The result of `updateArticle`.
#[derive(SimpleObject)]
pub struct UpdateArticlePayload {
    /// The article as updated; null when the input was refused.
    pub article: Option<Article>,
    /// Why the input was refused (empty on success).
    pub user_errors: Vec<UserError>,
}

/// The article to delete.
#[derive(InputObject)]
pub struct DeleteArticleInput {
    /// The article.
    pub id: ID,
}

/// The result of `deleteArticle`.
#[derive(SimpleObject)]
pub struct DeleteArticlePayload {
    /// The ID the deleted article had; null when the input was refused.
    pub deleted_article_id: Option<ID>,
    /// Why the input was refused (empty on success).
    pub user_errors: Vec<UserError>,
}

/// Two records of one person: `from` is merged into `into`.
#[derive(InputObject)]
pub struct MergePeopleInput {
    /// The duplicate. Its ID keeps resolving, to `into`.
    pub from: ID,
    /// The person who remains.
    pub into: ID,
}

/// The result of `mergePeople`.
#[derive(SimpleObject)]
pub struct MergePeoplePayload {
    /// The person who remains; null when the input was refused.
    pub person: Option<Person>,
    /// Why the input was refused (empty on success).
    pub user_errors: Vec<UserError>,
}

/// Two records of one organization: `from` is merged into `into`.
#[derive(InputObject)]
pub struct MergeOrganizationsInput {
    /// The duplicate. Its ID keeps resolving, to `into`.
    pub from: ID,
    /// The organization that remains.
    pub into: ID,
}

/// The result of `mergeOrganizations`.
#[derive(SimpleObject)]
pub struct MergeOrganizationsPayload {
    /// The organization that remains; null when the input was refused.
    pub organization: Option<Organization>,
    /// Why the input was refused (empty on success).
    pub user_errors: Vec<UserError>,
}

/// Changes to a person; omitted fields are left as they are.
#[derive(InputObject)]
pub struct UpdatePersonInput {
    /// The person.
    pub id: ID,
    /// The name to show; it also becomes an alias.
    pub canonical_name: Option<String>,
    /// An identifier in another system (e.g. a Wikidata id); null clears it.
    pub external_id: MaybeUndefined<String>,
    /// Names to add to the person's aliases; kept when articles are re-extracted.
    pub add_aliases: Option<Vec<String>>,
    /// Aliases to remove (matched ignoring case and accents).
    pub remove_aliases: Option<Vec<String>>,
}

/// The result of `updatePerson`.
#[derive(SimpleObject)]
pub struct UpdatePersonPayload {
    /// The person as updated; null when the input was refused.
    pub person: Option<Person>,
    /// Why the input was refused (empty on success).
    pub user_errors: Vec<UserError>,
}

/// Changes to an organization; omitted fields are left as they are.
#[derive(InputObject)]
pub struct UpdateOrganizationInput {
    /// The organization.
    pub id: ID,
    /// The name to show; it also becomes an alias.
    pub name: Option<String>,
    /// What kind of body it is.
    pub kind: Option<OrganizationKind>,
    /// An identifier in another system (e.g. a Wikidata id); null clears it.
    pub external_id: MaybeUndefined<String>,
    /// Names to add to the organization's aliases; kept when articles are re-extracted.
    pub add_aliases: Option<Vec<String>>,
    /// Aliases to remove (matched ignoring case and accents).
    pub remove_aliases: Option<Vec<String>>,
}

/// The result of `updateOrganization`.
#[derive(SimpleObject)]
pub struct UpdateOrganizationPayload {
    /// The organization as updated; null when the input was refused.
    pub organization: Option<Organization>,
    /// Why the input was refused (empty on success).
    pub user_errors: Vec<UserError>,
}

/// Who said a quote: give exactly one of `person`, `organization`, `description`, or
/// `clear: true`. The correction is kept when the article is re-extracted.
#[derive(InputObject)]
pub struct SetQuoteSpeakerInput {
    /// The quote.
    pub quote: ID,
    /// A person said it.
    pub person: Option<ID>,
    /// An organization said it (a spokesperson, a statement).
    pub organization: Option<ID>,
    /// An unnamed source said it ("a government source").
    pub description: Option<String>,
    /// The speaker is unknown.
    pub clear: Option<bool>,
}

/// The result of `setQuoteSpeaker`.
#[derive(SimpleObject)]
pub struct SetQuoteSpeakerPayload {
    /// The quote with its new speaker; null when the input was refused.
    pub quote: Option<Quote>,
    /// Why the input was refused (empty on success).
    pub user_errors: Vec<UserError>,
}

/// What an API key may do; each role includes the ones before it.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum ApiKeyRole {
    /// Queries and subscriptions.
    Reader,
    /// Also ingest and corrections.
    Editor,
    /// Also creating and revoking keys.
    Admin,
}

impl From<ApiKeyRole> for Role {
    fn from(role: ApiKeyRole) -> Self {
        match role {
            ApiKeyRole::Reader => Self::Reader,
            ApiKeyRole::Editor => Self::Editor,
            ApiKeyRole::Admin => Self::Admin,
        }
    }
}

impl From<Role> for ApiKeyRole {
    fn from(role: Role) -> Self {
        match role {
            Role::Reader => Self::Reader,
            Role::Editor => Self::Editor,
            Role::Admin => Self::Admin,
        }
    }
}

/// An API key (never its token, which is shown only when the key is created).
#[derive(SimpleObject)]
pub struct ApiKey {
    /// Global ID.
    pub id: ID,
    /// Who or what the key is for.
    pub name: String,
    /// What the key may do.
    pub role: ApiKeyRole,
    /// The first characters of the token, to recognise the key.
    pub token_prefix: String,
    /// When the key was created.
    pub created_at: DateTime<Utc>,
    /// When the key was revoked; null while it is valid.
    pub revoked_at: Option<DateTime<Utc>>,
}

impl From<ApiKeyRow> for ApiKey {
    fn from(row: ApiKeyRow) -> Self {
        Self {
            id: ids::encode(NodeType::ApiKey, row.id),
            role: Role::from_db(&row.role).into(),
            name: row.name,
            token_prefix: row.token_prefix,
            created_at: row.created_at,
            revoked_at: row.revoked_at,
        }
    }
}

/// A key to create.
#[derive(InputObject)]
pub struct CreateApiKeyInput {
    /// Who or what the key is for; recorded with every correction made with it.
    pub name: String,
    /// What the key may do.
    pub role: ApiKeyRole,
}

/// The result of `createApiKey`.
#[derive(SimpleObject)]
pub struct CreateApiKeyPayload {
    /// The new key; null when the input was refused.
    pub api_key: Option<ApiKey>,
    /// The secret to send as `Authorization: Bearer <token>`. Shown only here: the
    /// archive keeps only its hash.
    pub token: Option<String>,
    /// Why the input was refused (empty on success).
    pub user_errors: Vec<UserError>,
}

/// The key to revoke.
#[derive(InputObject)]
pub struct RevokeApiKeyInput {
    /// The key.
    pub id: ID,
}

/// The result of `revokeApiKey`.
#[derive(SimpleObject)]
pub struct RevokeApiKeyPayload {
    /// The revoked key; null when the input was refused.
    pub api_key: Option<ApiKey>,
    /// Why the input was refused (empty on success).
    pub user_errors: Vec<UserError>,
}

// ---------------------------------------------------------------------------------------
// The root

/// Changes to the archive. All need an API key: `Authorization: Bearer <token>`.
pub struct MutationRoot;

/// Changes to the archive. All need an API key (`Authorization: Bearer <token>`): ingest
/// and corrections an editor key, key management an admin key.
#[Object(name = "Mutation")]
impl MutationRoot {
    /// Adds one article from its text, extracting its people, organizations and quotes.
    /// Ingesting the same text again returns the archived article. Editor role.
    #[graphql(guard = "RoleGuard(Role::Editor)")]
    async fn ingest_article(
        &self,
        ctx: &Context<'_>,
        input: IngestArticleInput,
    ) -> AppResult<IngestArticlePayload> {
        let refuse = |field: &str, message: String| IngestArticlePayload {
            article: None,
            outcome: None,
            user_errors: vec![UserError::new(field, message)],
        };
        let (text, format) = match (input.raw, input.json) {
            (Some(raw), None) => (raw, None),
            (None, Some(Json(value))) => (value.to_string(), Some(Format::Json)),
            _ => return Ok(refuse("raw", "give `raw` or `json`, exactly one".into())),
        };
        let overrides = Overrides {
            source_url: input.source_url.filter(|u| !u.trim().is_empty()),
            published_on: input.published_on.map(|d| d.0),
        };
        // What the archive knows names what the article only mentions by one word.
        let known = {
            let db = db(ctx)?;
            let mut conn = db.write.get().await?;
            db.gazetteer.current(&mut conn).await?
        };
        // Parsing and extraction are CPU work: off the async workers.
        let prepared = tokio::task::spawn_blocking(move || {
            load::prepare_text_with(&text, format, &overrides, &known)
        })
        .await
        .map_err(AppError::internal)?;
        let prepared = match <[_; 1]>::try_from(prepared) {
            Ok([Ok(p)]) => p,
            Ok([Err(LoadError::NoDate)]) => {
                return Ok(refuse(
                    "publishedOn",
                    "the text has no date: give `publishedOn` or a `sourceUrl` with /YYYYMMDD.../"
                        .into(),
                ));
            }
            Ok([Err(LoadError::SourceUrl(e) | LoadError::Parse(ParseError::SourceUrl(e)))]) => {
                return Ok(refuse("sourceUrl", e.to_string()));
            }
            Ok([Err(e)]) => return Ok(refuse("raw", format!("not an article: {e}"))),
            Err(v) if v.is_empty() => return Ok(refuse("raw", "the text is empty".into())),
            Err(_) => return Ok(refuse("raw", "give one article per call".into())),
        };
        let who = principal(ctx)?;
        let source_name = format!("api:{}", who.name);
        let stored = write_tx!(ctx, |conn| {
            let raw = RawInput {
                content: &prepared.raw,
                format: prepared.format,
                source_name: Some(&source_name),
            };
            Ok(store::store_article(
                conn,
                &raw,
                &prepared.article,
                prepared.published_on,
                &prepared.extraction,
            )
            .await?)
        })?;
        let (article_id, outcome) = match stored {
            Ok(Stored::Created { article_id, .. }) => (article_id, IngestOutcome::Created),
            Ok(Stored::Unchanged { article_id }) => (article_id, IngestOutcome::AlreadyArchived),
            Err(e) => {
                return Ok(IngestArticlePayload {
                    article: None,
                    outcome: None,
                    user_errors: vec![e],
                });
            }
        };
        Ok(IngestArticlePayload {
            article: load_article(ctx, article_id).await?,
            outcome: Some(outcome),
            user_errors: Vec::new(),
        })
    }

    /// Changes an article's metadata. Editor role.
    #[graphql(guard = "RoleGuard(Role::Editor)")]
    async fn update_article(
        &self,
        ctx: &Context<'_>,
        input: UpdateArticleInput,
    ) -> AppResult<UpdateArticlePayload> {
        let refused = |e: UserError| UpdateArticlePayload {
            article: None,
            user_errors: vec![e],
        };
        let id = match id_of(NodeType::Article, &input.id, "id") {
            Ok(id) => id,
            Err(e) => return Ok(refused(e)),
        };
        let changes = ArticleChanges {
            title: input.title,
            kind: input.kind.map(ArticleKind::as_db),
            published_on: input.published_on.map(|d| d.0),
            dateline: maybe(input.dateline),
            source_url: maybe(input.source_url),
            tags: input.tags,
        };
        let who = principal(ctx)?;
        match write_tx!(ctx, |conn| {
            edit::update_article(conn, actor(who), id, changes).await
        })? {
            Ok(()) => Ok(UpdateArticlePayload {
                article: load_article(ctx, id).await?,
                user_errors: Vec::new(),
            }),
            Err(e) => Ok(refused(e)),
        }
    }

    /// Deletes an article, with its quotes and mentions, and its raw text (so the text
    /// can be ingested again). Editor role.
    #[graphql(guard = "RoleGuard(Role::Editor)")]
    async fn delete_article(
        &self,
        ctx: &Context<'_>,
        input: DeleteArticleInput,
    ) -> AppResult<DeleteArticlePayload> {
        let refused = |e: UserError| DeleteArticlePayload {
            deleted_article_id: None,
            user_errors: vec![e],
        };
        let id = match id_of(NodeType::Article, &input.id, "id") {
            Ok(id) => id,
            Err(e) => return Ok(refused(e)),
        };
        let who = principal(ctx)?;
        match write_tx!(ctx, |conn| {
            edit::delete_article(conn, actor(who), id).await
        })? {
            Ok(()) => Ok(DeleteArticlePayload {
                deleted_article_id: Some(input.id),
                user_errors: Vec::new(),
            }),
            Err(e) => Ok(refused(e)),
        }
    }

    /// Merges two records of the same person: every mention, title, quote and byline of
    /// `from` moves to `into`, `from`'s names become aliases of `into`, and `from`'s ID
    /// resolves to `into` from now on (also after re-extraction). Editor role.
    #[graphql(guard = "RoleGuard(Role::Editor)")]
    async fn merge_people(
        &self,
        ctx: &Context<'_>,
        input: MergePeopleInput,
    ) -> AppResult<MergePeoplePayload> {
        let refused = |e: UserError| MergePeoplePayload {
            person: None,
            user_errors: vec![e],
        };
        let (from, into) = match (
            id_of(NodeType::Person, &input.from, "from"),
            id_of(NodeType::Person, &input.into, "into"),
        ) {
            (Ok(f), Ok(i)) => (f, i),
            (Err(e), _) | (_, Err(e)) => return Ok(refused(e)),
        };
        let who = principal(ctx)?;
        match write_tx!(ctx, |conn| {
            edit::merge(conn, actor(who), Entity::Person, from, into).await
        })? {
            Ok(()) => Ok(MergePeoplePayload {
                person: load_person(ctx, into).await?,
                user_errors: Vec::new(),
            }),
            Err(e) => Ok(refused(e)),
        }
    }

    /// Merges two records of the same organization (mentions, quotes, outlets and names
    /// move to `into`; `from`'s ID resolves to `into`). Editor role.
    #[graphql(guard = "RoleGuard(Role::Editor)")]
    async fn merge_organizations(
        &self,
        ctx: &Context<'_>,
        input: MergeOrganizationsInput,
    ) -> AppResult<MergeOrganizationsPayload> {
        let refused = |e: UserError| MergeOrganizationsPayload {
            organization: None,
            user_errors: vec![e],
        };
        let (from, into) = match (
            id_of(NodeType::Organization, &input.from, "from"),
            id_of(NodeType::Organization, &input.into, "into"),
        ) {
            (Ok(f), Ok(i)) => (f, i),
            (Err(e), _) | (_, Err(e)) => return Ok(refused(e)),
        };
        let who = principal(ctx)?;
        match write_tx!(ctx, |conn| {
            edit::merge(conn, actor(who), Entity::Organization, from, into).await
        })? {
            Ok(()) => Ok(MergeOrganizationsPayload {
                organization: load_organization(ctx, into).await?,
                user_errors: Vec::new(),
            }),
            Err(e) => Ok(refused(e)),
        }
    }

    /// Changes a person's name, external ID or aliases. Editor role.
    #[graphql(guard = "RoleGuard(Role::Editor)")]
    async fn update_person(
        &self,
        ctx: &Context<'_>,
        input: UpdatePersonInput,
    ) -> AppResult<UpdatePersonPayload> {
        let refused = |e: UserError| UpdatePersonPayload {
            person: None,
            user_errors: vec![e],
        };
        let id = match id_of(NodeType::Person, &input.id, "id") {
            Ok(id) => id,
            Err(e) => return Ok(refused(e)),
        };
        let changes = EntityChanges {
            name: input.canonical_name,
            external_id: maybe(input.external_id),
            kind: None,
            add_aliases: input.add_aliases.unwrap_or_default(),
            remove_aliases: input.remove_aliases.unwrap_or_default(),
        };
        let who = principal(ctx)?;
        match write_tx!(ctx, |conn| {
            edit::update_entity(conn, actor(who), Entity::Person, id, changes).await
        })? {
            Ok(()) => Ok(UpdatePersonPayload {
                person: load_person(ctx, id).await?,
                user_errors: Vec::new(),
            }),
            Err(e) => Ok(refused(e)),
        }
    }

    /// Changes an organization's name, kind, external ID or aliases. Editor role.
    #[graphql(guard = "RoleGuard(Role::Editor)")]
    async fn update_organization(
        &self,
        ctx: &Context<'_>,
        input: UpdateOrganizationInput,
    ) -> AppResult<UpdateOrganizationPayload> {
        let refused = |e: UserError| UpdateOrganizationPayload {
            organization: None,
            user_errors: vec![e],
        };
        let id = match id_of(NodeType::Organization, &input.id, "id") {
            Ok(id) => id,
            Err(e) => return Ok(refused(e)),
        };
        let changes = EntityChanges {
            name: input.name,
            external_id: maybe(input.external_id),
            kind: input.kind.map(|k| crate::domain::OrgKind::from(k).as_db()),
            add_aliases: input.add_aliases.unwrap_or_default(),
            remove_aliases: input.remove_aliases.unwrap_or_default(),
        };
        let who = principal(ctx)?;
        match write_tx!(ctx, |conn| {
            edit::update_entity(conn, actor(who), Entity::Organization, id, changes).await
        })? {
            Ok(()) => Ok(UpdateOrganizationPayload {
                organization: load_organization(ctx, id).await?,
                user_errors: Vec::new(),
            }),
            Err(e) => Ok(refused(e)),
        }
    }

    /// Sets or clears who said a quote. Kept when the article is re-extracted. Editor role.
    #[graphql(guard = "RoleGuard(Role::Editor)")]
    async fn set_quote_speaker(
        &self,
        ctx: &Context<'_>,
        input: SetQuoteSpeakerInput,
    ) -> AppResult<SetQuoteSpeakerPayload> {
        let refused = |e: UserError| SetQuoteSpeakerPayload {
            quote: None,
            user_errors: vec![e],
        };
        let quote = match id_of(NodeType::Quote, &input.quote, "quote") {
            Ok(id) => id,
            Err(e) => return Ok(refused(e)),
        };
        let choice = match (
            input.person,
            input.organization,
            input.description,
            input.clear.unwrap_or(false),
        ) {
            (Some(p), None, None, false) => match id_of(NodeType::Person, &p, "person") {
                Ok(id) => SpeakerChoice::Person(id),
                Err(e) => return Ok(refused(e)),
            },
            (None, Some(o), None, false) => {
                match id_of(NodeType::Organization, &o, "organization") {
                    Ok(id) => SpeakerChoice::Organization(id),
                    Err(e) => return Ok(refused(e)),
                }
            }
            (None, None, Some(d), false) => SpeakerChoice::Description(d),
            (None, None, None, true) => SpeakerChoice::Clear,
            _ => {
                return Ok(refused(UserError::new(
                    "person",
                    "give exactly one of person, organization, description or clear: true",
                )));
            }
        };
        let who = principal(ctx)?;
        match write_tx!(ctx, |conn| {
            edit::set_quote_speaker(conn, actor(who), quote, choice).await
        })? {
            Ok(()) => Ok(SetQuoteSpeakerPayload {
                quote: load_quote(ctx, quote).await?,
                user_errors: Vec::new(),
            }),
            Err(e) => Ok(refused(e)),
        }
    }

    /// Creates an API key and returns its token, once. Admin role.
    #[graphql(guard = "RoleGuard(Role::Admin)")]
    async fn create_api_key(
        &self,
        ctx: &Context<'_>,
        input: CreateApiKeyInput,
    ) -> AppResult<CreateApiKeyPayload> {
        let name = input.name.trim().to_owned();
        if name.is_empty() {
            return Ok(CreateApiKeyPayload {
                api_key: None,
                token: None,
                user_errors: vec![UserError::new("name", "must not be blank")],
            });
        }
        let role = Role::from(input.role);
        let token = auth::generate_token()?;
        let hash = auth::hash_token(&token);
        let new_key = api_key::NewApiKey {
            name: &name,
            role: role.as_db(),
            token_hash: &hash,
            token_prefix: &token[..auth::PREFIX_LEN],
        };
        let row = write_tx!(ctx, |conn| Ok(api_key::insert(conn, &new_key).await?))?
            .map_err(|_| AppError::internal("creating a key was refused"))?;
        Ok(CreateApiKeyPayload {
            api_key: Some(row.into()),
            token: Some(token),
            user_errors: Vec::new(),
        })
    }

    /// Revokes an API key: requests with it are refused from now on. Admin role.
    #[graphql(guard = "RoleGuard(Role::Admin)")]
    async fn revoke_api_key(
        &self,
        ctx: &Context<'_>,
        input: RevokeApiKeyInput,
    ) -> AppResult<RevokeApiKeyPayload> {
        let refused = |e: UserError| RevokeApiKeyPayload {
            api_key: None,
            user_errors: vec![e],
        };
        let id = match id_of(NodeType::ApiKey, &input.id, "id") {
            Ok(id) => id,
            Err(e) => return Ok(refused(e)),
        };
        let revoked = write_tx!(ctx, |conn| Ok(api_key::revoke(conn, id).await?))?;
        match revoked.map_err(|_| AppError::internal("revoking a key was refused"))? {
            Some(row) => Ok(RevokeApiKeyPayload {
                api_key: Some(row.into()),
                user_errors: Vec::new(),
            }),
            None => Ok(refused(UserError::new("id", "no API key has this ID"))),
        }
    }
}

/// `MaybeUndefined` as "leave" (`None`), "clear" (`Some(None)`) or "set".
fn maybe<T>(value: MaybeUndefined<T>) -> Option<Option<T>> {
    match value {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(v) => Some(Some(v)),
    }
}
