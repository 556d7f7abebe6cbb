// @generated automatically by Diesel CLI.

pub mod sql_types {
    #[derive(diesel::query_builder::QueryId, Clone, diesel::sql_types::SqlType)]
    #[diesel(postgres_type(name = "tsvector", schema = "pg_catalog"))]
    pub struct Tsvector;
}

diesel::table! {
    api_keys (id) {
        id -> Int8,
        name -> Text,
        role -> Text,
        token_hash -> Bytea,
        token_prefix -> Text,
        created_at -> Timestamptz,
        revoked_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    article_authors (article_id, person_id) {
        article_id -> Int8,
        person_id -> Int8,
        position -> Int2,
    }
}

diesel::table! {
    article_captures (raw_document_id) {
        raw_document_id -> Int8,
        article_id -> Int8,
        captured_at -> Timestamptz,
    }
}

diesel::table! {
    article_feed (seq) {
        seq -> Int8,
        article_id -> Int8,
        added_at -> Timestamptz,
    }
}

diesel::table! {
    article_outlets (article_id, outlet_id) {
        article_id -> Int8,
        outlet_id -> Int8,
        position -> Int2,
        page -> Nullable<Text>,
    }
}

diesel::table! {
    article_tags (article_id, tag_id) {
        article_id -> Int8,
        tag_id -> Int8,
        added_by_editor -> Bool,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::Tsvector;

    articles (id) {
        id -> Int8,
        slug -> Text,
        raw_document_id -> Int8,
        title -> Text,
        kind -> Text,
        published_on -> Date,
        publication -> Nullable<Text>,
        section_id -> Nullable<Int8>,
        dateline -> Nullable<Text>,
        paragraphs -> Array<Nullable<Text>>,
        abridged -> Bool,
        source_url -> Nullable<Text>,
        language -> Text,
        original_language -> Nullable<Text>,
        word_count -> Int4,
        extractor_version -> Text,
        search -> Tsvector,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        title_derived -> Bool,
        date_source -> Text,
        content_hash -> Nullable<Bytea>,
    }
}

diesel::table! {
    corrections (id) {
        id -> Int8,
        api_key_id -> Nullable<Int8>,
        actor -> Text,
        action -> Text,
        subject_type -> Text,
        subject_id -> Int8,
        article_id -> Nullable<Int8>,
        paragraph -> Nullable<Int4>,
        start_offset -> Nullable<Int4>,
        before -> Nullable<Jsonb>,
        after -> Jsonb,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    entity_count_deltas (id) {
        id -> Int8,
        txid -> Int8,
        person_id -> Nullable<Int8>,
        organization_id -> Nullable<Int8>,
        mentions -> Int8,
        articles -> Int8,
        quotes -> Int8,
    }
}

diesel::table! {
    mentions (id) {
        id -> Int8,
        article_id -> Int8,
        person_id -> Nullable<Int8>,
        organization_id -> Nullable<Int8>,
        paragraph -> Int4,
        start_offset -> Int4,
        end_offset -> Int4,
        surface -> Text,
        title -> Nullable<Text>,
        extractor_version -> Text,
    }
}

diesel::table! {
    organization_aliases (organization_id, alias_key) {
        organization_id -> Int8,
        alias -> Text,
        alias_key -> Text,
        added_by_editor -> Bool,
    }
}

diesel::table! {
    organizations (id) {
        id -> Int8,
        slug -> Text,
        name -> Text,
        acronym -> Nullable<Text>,
        kind -> Text,
        country -> Nullable<Text>,
        external_id -> Nullable<Text>,
        merged_into_id -> Nullable<Int8>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        mention_count -> Int8,
        article_count -> Int8,
        quote_count -> Int8,
    }
}

diesel::table! {
    outlets (id) {
        id -> Int8,
        slug -> Text,
        name -> Text,
        name_key -> Text,
        organization_id -> Nullable<Int8>,
    }
}

diesel::table! {
    people (id) {
        id -> Int8,
        slug -> Text,
        canonical_name -> Text,
        external_id -> Nullable<Text>,
        merged_into_id -> Nullable<Int8>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        mention_count -> Int8,
        article_count -> Int8,
        quote_count -> Int8,
    }
}

diesel::table! {
    persisted_documents (sha256) {
        sha256 -> Text,
        document -> Text,
        trusted -> Bool,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    person_aliases (person_id, alias_key) {
        person_id -> Int8,
        alias -> Text,
        alias_key -> Text,
        added_by_editor -> Bool,
    }
}

diesel::table! {
    person_titles (id) {
        id -> Int8,
        person_id -> Int8,
        article_id -> Int8,
        title -> Text,
        published_on -> Date,
        extractor_version -> Text,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::Tsvector;

    quotes (id) {
        id -> Int8,
        article_id -> Int8,
        published_on -> Date,
        paragraph -> Int4,
        start_offset -> Int4,
        end_offset -> Int4,
        text -> Text,
        speaker_person_id -> Nullable<Int8>,
        speaker_organization_id -> Nullable<Int8>,
        speaker_description -> Nullable<Text>,
        cue -> Nullable<Text>,
        is_fragment -> Bool,
        confidence -> Float4,
        extractor_version -> Text,
        search -> Tsvector,
    }
}

diesel::table! {
    raw_documents (id) {
        id -> Int8,
        content -> Text,
        content_hash -> Bytea,
        format -> Text,
        source_name -> Nullable<Text>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    sections (id) {
        id -> Int8,
        parent_id -> Nullable<Int8>,
        name -> Text,
        path -> Text,
        depth -> Int4,
    }
}

diesel::table! {
    tags (id) {
        id -> Int8,
        slug -> Text,
        name -> Text,
    }
}

diesel::joinable!(article_authors -> articles (article_id));
diesel::joinable!(article_authors -> people (person_id));
diesel::joinable!(article_captures -> articles (article_id));
diesel::joinable!(article_captures -> raw_documents (raw_document_id));
diesel::joinable!(article_feed -> articles (article_id));
diesel::joinable!(article_outlets -> articles (article_id));
diesel::joinable!(article_outlets -> outlets (outlet_id));
diesel::joinable!(article_tags -> articles (article_id));
diesel::joinable!(article_tags -> tags (tag_id));
diesel::joinable!(articles -> raw_documents (raw_document_id));
diesel::joinable!(articles -> sections (section_id));
diesel::joinable!(corrections -> api_keys (api_key_id));
diesel::joinable!(corrections -> articles (article_id));
diesel::joinable!(mentions -> articles (article_id));
diesel::joinable!(mentions -> organizations (organization_id));
diesel::joinable!(mentions -> people (person_id));
diesel::joinable!(organization_aliases -> organizations (organization_id));
diesel::joinable!(outlets -> organizations (organization_id));
diesel::joinable!(person_aliases -> people (person_id));
diesel::joinable!(person_titles -> articles (article_id));
diesel::joinable!(person_titles -> people (person_id));
diesel::joinable!(quotes -> articles (article_id));
diesel::joinable!(quotes -> organizations (speaker_organization_id));
diesel::joinable!(quotes -> people (speaker_person_id));

diesel::allow_tables_to_appear_in_same_query!(
    api_keys,
    article_authors,
    article_captures,
    article_feed,
    article_outlets,
    article_tags,
    articles,
    corrections,
    entity_count_deltas,
    mentions,
    organization_aliases,
    organizations,
    outlets,
    people,
    persisted_documents,
    person_aliases,
    person_titles,
    quotes,
    raw_documents,
    sections,
    tags,
);
