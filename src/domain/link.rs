//! Source URLs: the one rule every input path (mutations, the CLI, JSON input, print views)
//! applies, so an article can only ever link to an http or https page.

/// Why a text is not an article's source URL.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not an http or https URL")]
pub struct InvalidSourceUrl(pub String);

/// The longest source URL kept, in bytes.
pub const MAX_SOURCE_URL_BYTES: usize = 2048;

/// Checks an article's source URL: an absolute http or https URL with a host, without
/// control characters, at most [`MAX_SOURCE_URL_BYTES`]. Returns it trimmed.
pub fn source_url(text: &str) -> Result<String, InvalidSourceUrl> {
    let trimmed = text.trim();
    let refuse = || InvalidSourceUrl(trimmed.chars().take(80).collect());
    if trimmed.len() > MAX_SOURCE_URL_BYTES || trimmed.chars().any(char::is_control) {
        return Err(refuse());
    }
    match url::Url::parse(trimmed) {
        Ok(parsed)
            if matches!(parsed.scheme(), "http" | "https")
                && parsed.host_str().is_some_and(|h| !h.is_empty()) =>
        {
            Ok(trimmed.to_owned())
        }
        _ => Err(refuse()),
    }
}

#[cfg(test)]
mod tests {
    use super::source_url;

    #[test]
    fn only_http_and_https_urls_with_a_host_are_source_urls() {
        assert_eq!(
            source_url(" https://x.example/a/20220228000123/ "),
            Ok("https://x.example/a/20220228000123/".to_owned())
        );
        assert!(source_url("http://x.example").is_ok());
        for bad in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "ftp://x.example/",
            "https://",
            "//x.example/",
            "x.example",
            "https://x.example/\u{0}",
            "",
        ] {
            assert!(source_url(bad).is_err(), "{bad:?} was accepted");
        }
    }
}
