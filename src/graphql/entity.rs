//! `Person` and `Organization`, and how they appear in an article. The fields both
//! kinds share are declared once ([`entity_object`]); the read statements behind them
//! are one generic path too (`crate::db::read::entity`).

use super::date::Date;
use async_graphql::{Context, Enum, ID, Object};

use super::article::ArticleConnection;
use super::data::{Obj, key};
use super::pagination::connection_type;
use super::quote::QuoteConnection;
use crate::error::AppResult;

/// A person named in the archive's articles: politicians, officials, experts, authors.
#[derive(Clone)]
pub struct Person(pub(crate) Obj);

/// A government body, party, company, outlet, international body or military.
#[derive(Clone)]
pub struct Organization(pub(crate) Obj);

/// Declares the `#[Object]` impl of an entity type: the fields people and organizations
/// share, then the kind's own fields.
macro_rules! entity_object {
    ($ty:ident, $type_doc:literal, $node:expr, $name_doc:literal, $aliases_doc:literal, $quotes_doc:literal,
     { $($own:tt)* } $(, quoted_with: $quoted_with:literal)?) => {
        #[doc = $type_doc]
        #[Object]
        impl $ty {
            /// Global ID.
            pub async fn id(&self, ctx: &Context<'_>) -> AppResult<ID> {
                Ok(ID(self.0.str(key(ctx))?.to_owned()))
            }

            /// URL-safe unique name.
            async fn slug(&self, ctx: &Context<'_>) -> AppResult<&str> {
                self.0.str(key(ctx))
            }

            #[doc = $name_doc]
            async fn name(&self, ctx: &Context<'_>) -> AppResult<&str> {
                self.0.str(key(ctx))
            }

            #[doc = $aliases_doc]
            async fn aliases(&self, ctx: &Context<'_>) -> AppResult<Vec<&str>> {
                self.0.strs(key(ctx))
            }

            /// An external identifier such as a Wikidata QID, when an editor has set one.
            async fn external_id(&self, ctx: &Context<'_>) -> AppResult<Option<&str>> {
                self.0.opt_str(key(ctx))
            }

            /// Mentions across the archive.
            async fn mention_count(&self, ctx: &Context<'_>) -> AppResult<i64> {
                self.0.int(key(ctx))
            }

            /// Articles that mention this entity.
            async fn article_count(&self, ctx: &Context<'_>) -> AppResult<i64> {
                self.0.int(key(ctx))
            }

            #[doc = $quotes_doc]
            async fn quote_count(&self, ctx: &Context<'_>) -> AppResult<i64> {
                self.0.int(key(ctx))
            }

            /// Articles mentioning this entity, newest first.
            async fn articles(
                &self,
                ctx: &Context<'_>,
                first: Option<i32>,
                after: Option<String>,
            ) -> AppResult<ArticleConnection> {
                let _ = (first, after);
                Ok(ArticleConnection(self.0.obj(key(ctx))?))
            }

            /// Quotes attributed to this entity, newest first.
            async fn quotes(
                &self,
                ctx: &Context<'_>,
                first: Option<i32>,
                after: Option<String>,
            ) -> AppResult<QuoteConnection> {
                let _ = (first, after);
                Ok(QuoteConnection(self.0.obj(key(ctx))?))
            }

            /// People most often mentioned in the same articles.
            async fn co_mentioned_people(
                &self,
                ctx: &Context<'_>,
                #[graphql(default = 10)] first: i32,
            ) -> AppResult<Vec<CoMentionedPerson>> {
                let _ = first;
                Ok(self.0.objs(key(ctx))?.into_iter().map(CoMentionedPerson).collect())
            }

            /// Organizations most often mentioned in the same articles.
            async fn co_mentioned_organizations(
                &self,
                ctx: &Context<'_>,
                #[graphql(default = 10)] first: i32,
            ) -> AppResult<Vec<CoMentionedOrganization>> {
                let _ = first;
                Ok(self
                    .0
                    .objs(key(ctx))?
                    .into_iter()
                    .map(CoMentionedOrganization)
                    .collect())
            }

            $(
                #[doc = $quoted_with]
                async fn people_quoted_with(
                    &self,
                    ctx: &Context<'_>,
                    #[graphql(default = 10)] first: i32,
                ) -> AppResult<Vec<CoMentionedPerson>> {
                    let _ = first;
                    Ok(self.0.objs(key(ctx))?.into_iter().map(CoMentionedPerson).collect())
                }
            )?

            $($own)*
        }
    };
}

entity_object!(
    Person,
    "A person named in the archive's articles: politicians, officials, experts, authors.",
    NodeType::Person,
    "The canonical name: the fullest form the archive has seen, without titles.",
    "Every form of the name seen in articles (\"Xi\", \"Xi Jinping\") and added by editors.",
    "Quotes attributed to this person.",
    {
        /// The titles this person was given, as of each article, oldest first.
        async fn titles(&self, ctx: &Context<'_>) -> AppResult<Vec<PersonTitle>> {
            Ok(self
                .0
                .objs(key(ctx))?
                .into_iter()
                .map(PersonTitle)
                .collect())
        }
    }
);

entity_object!(
    Organization,
    "A government body, party, company, outlet, international body or military.",
    NodeType::Organization,
    "The full name (\"Chinese Communist Party\").",
    "Every form of the name seen in articles, the acronym, and editors' additions.",
    "Quotes attributed to this organization (statements, spokespeople unnamed).",
    {
        /// The acronym ("CCP"), when known.
        async fn acronym(&self, ctx: &Context<'_>) -> AppResult<Option<&str>> {
            self.0.opt_str(key(ctx))
        }

        /// What kind of body it is.
        async fn kind(&self, ctx: &Context<'_>) -> AppResult<OrganizationKind> {
            Ok(crate::domain::OrgKind::from_db(self.0.str(key(ctx))?).into())
        }

        /// Its country, when known.
        async fn country(&self, ctx: &Context<'_>) -> AppResult<Option<&str>> {
            self.0.opt_str(key(ctx))
        }

    },
    quoted_with: "People quoted most often in articles that mention this organization."
);

/// What kind of body an organization is.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
#[graphql(remote = "crate::domain::OrgKind")]
pub enum OrganizationKind {
    /// Ministries, agencies, legislatures, administrations.
    Government,
    /// Political parties.
    Party,
    /// Newspapers, broadcasters, news agencies.
    Media,
    /// Companies and business groups.
    Company,
    /// International and intergovernmental bodies.
    International,
    /// Armed forces and their units.
    Military,
    /// Anything else.
    Other,
}

/// A title a person was given in one article ("Chinese Foreign Minister").
#[derive(Clone)]
pub struct PersonTitle(pub(crate) Obj);

/// A title a person was given in one article ("Chinese Foreign Minister").
#[Object]
impl PersonTitle {
    /// The title as written before the name.
    async fn title(&self, ctx: &Context<'_>) -> AppResult<&str> {
        self.0.str(key(ctx))
    }

    /// The date of the article it appeared in.
    async fn published_on(&self, ctx: &Context<'_>) -> AppResult<Date> {
        self.0.date(key(ctx)).map(Date)
    }

    /// The article's global ID.
    async fn article_id(&self, ctx: &Context<'_>) -> AppResult<ID> {
        Ok(ID(self.0.str(key(ctx))?.to_owned()))
    }
}

/// A person seen together with another entity, and in how many articles.
#[derive(Clone)]
pub struct CoMentionedPerson(pub(crate) Obj);

/// A person seen together with another entity, and in how many articles.
#[Object]
impl CoMentionedPerson {
    /// The person.
    async fn person(&self, ctx: &Context<'_>) -> AppResult<Person> {
        Ok(Person(self.0.obj(key(ctx))?))
    }

    /// Articles mentioning both.
    async fn article_count(&self, ctx: &Context<'_>) -> AppResult<i64> {
        self.0.int(key(ctx))
    }
}

/// An organization seen together with another entity, and in how many articles.
#[derive(Clone)]
pub struct CoMentionedOrganization(pub(crate) Obj);

/// An organization seen together with another entity, and in how many articles.
#[Object]
impl CoMentionedOrganization {
    /// The organization.
    async fn organization(&self, ctx: &Context<'_>) -> AppResult<Organization> {
        Ok(Organization(self.0.obj(key(ctx))?))
    }

    /// Articles mentioning both.
    async fn article_count(&self, ctx: &Context<'_>) -> AppResult<i64> {
        self.0.int(key(ctx))
    }
}

/// Where an entity occurs in an article body: paragraph index and character offsets
/// (Unicode scalar values, end exclusive) into `Article.paragraphs`.
#[derive(Clone)]
pub struct MentionSpan(pub(crate) Obj);

/// Where an entity occurs in an article body: paragraph index and character offsets
/// (Unicode scalar values, end exclusive) into `Article.paragraphs`.
#[Object]
impl MentionSpan {
    /// Index into `Article.paragraphs`.
    async fn paragraph(&self, ctx: &Context<'_>) -> AppResult<i32> {
        self.0.i32(key(ctx))
    }

    /// First character.
    async fn start(&self, ctx: &Context<'_>) -> AppResult<i32> {
        self.0.i32(key(ctx))
    }

    /// One past the last character.
    async fn end(&self, ctx: &Context<'_>) -> AppResult<i32> {
        self.0.i32(key(ctx))
    }

    /// The characters as written ("Xi").
    async fn surface(&self, ctx: &Context<'_>) -> AppResult<&str> {
        self.0.str(key(ctx))
    }

    /// The title written before the name here ("Chinese leader"), if any.
    async fn title(&self, ctx: &Context<'_>) -> AppResult<Option<&str>> {
        self.0.opt_str(key(ctx))
    }
}

/// A person as they appear in one article: the titles used there and every span.
#[derive(Clone)]
pub struct ArticlePerson(pub(crate) Obj);

/// A person as they appear in one article: the titles used there and every span.
#[Object]
impl ArticlePerson {
    /// The person.
    async fn person(&self, ctx: &Context<'_>) -> AppResult<Person> {
        Ok(Person(self.0.obj(key(ctx))?))
    }

    /// The titles the article gives them, in order of first use.
    async fn titles(&self, ctx: &Context<'_>) -> AppResult<Vec<&str>> {
        let mut titles: Vec<&str> = Vec::new();
        for title in self.0.strs(key(ctx))? {
            if !titles.contains(&title) {
                titles.push(title);
            }
        }
        Ok(titles)
    }

    /// Every mention, in text order.
    async fn mentions(&self, ctx: &Context<'_>) -> AppResult<Vec<MentionSpan>> {
        Ok(self
            .0
            .objs(key(ctx))?
            .into_iter()
            .map(MentionSpan)
            .collect())
    }
}

/// An organization as it appears in one article, with every span.
#[derive(Clone)]
pub struct ArticleOrganization(pub(crate) Obj);

/// An organization as it appears in one article, with every span.
#[Object]
impl ArticleOrganization {
    /// The organization.
    async fn organization(&self, ctx: &Context<'_>) -> AppResult<Organization> {
        Ok(Organization(self.0.obj(key(ctx))?))
    }

    /// Every mention, in text order.
    async fn mentions(&self, ctx: &Context<'_>) -> AppResult<Vec<MentionSpan>> {
        Ok(self
            .0
            .objs(key(ctx))?
            .into_iter()
            .map(MentionSpan)
            .collect())
    }
}

connection_type!(
    ArticlePersonConnection,
    ArticlePersonEdge,
    ArticlePerson,
    "The people of an article, in order of first mention."
);
connection_type!(
    ArticleOrganizationConnection,
    ArticleOrganizationEdge,
    ArticleOrganization,
    "The organizations of an article, in order of first mention."
);
connection_type!(PersonConnection, PersonEdge, Person, "A page of people.");
connection_type!(
    OrganizationConnection,
    OrganizationEdge,
    Organization,
    "A page of organizations."
);
