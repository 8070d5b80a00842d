//! The HTTP side of attachments (別紙・検体), shared by the API, the UI and the public page:
//! reading an upload under the size limit, and streaming a download.
//!
//! Upload routes are exempt from the edge's general body limit ([`is_upload`]): the attachment
//! limit is a setting of its own (`--attachment-max-bytes`), enforced here while the body is
//! read, so a file over it is refused with a 413 naming the rule `attachment_size` and nothing
//! is stored. A download is always `Content-Disposition: attachment` with the type sniffed at
//! upload from a safe list (never HTML or SVG), `X-Content-Type-Options: nosniff` (every answer
//! has it), and `Repr-Digest` carrying the SHA-256; it streams one stored chunk at a time.

use crate::edge::{DRAIN_LIMIT, DRAIN_TIME};
use crate::error::{field_error, problem};
use axum::body::{Body, Bytes};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::Response;
use base64::Engine;
use futures_util::{Stream, StreamExt};
use kakehashi_app::attachments::Download;
use kakehashi_app::App;
use kakehashi_policy::Visible;

/// Whether a request is an attachment upload (exempt from the general body limit).
pub fn is_upload(method: &Method, path: &str) -> bool {
    if method != Method::POST {
        return false;
    }
    let Some(rest) = path
        .strip_prefix("/api/v1/copies/")
        .or_else(|| path.strip_prefix("/api/v1/provisions/"))
        .or_else(|| path.strip_prefix("/copies/"))
        .or_else(|| path.strip_prefix("/provisions/"))
    else {
        return false;
    };
    rest.strip_suffix("/attachments")
        .is_some_and(|id| !id.is_empty() && !id.contains('/'))
}

/// Why an upload body could not be read.
#[derive(Debug)]
pub enum ReadError {
    /// Over the limit (the rest was drained).
    TooLarge,
    /// The connection broke or the body was malformed.
    Broken,
}

/// Reads a body stream up to `limit` bytes; past it, drains the rest (so the sender sees the
/// 413 rather than a reset) and answers [`ReadError::TooLarge`].
pub async fn read_limited<S, E>(
    mut stream: S,
    limit: u64,
    kept: &mut Vec<u8>,
) -> Result<(), ReadError>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
{
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|_| ReadError::Broken)?;
        if (kept.len() + chunk.len()) as u64 > limit {
            drain(stream).await;
            return Err(ReadError::TooLarge);
        }
        kept.extend_from_slice(&chunk);
    }
    Ok(())
}

/// Reads and throws away the rest of a body, within the edge's drain bounds.
pub async fn drain<S, E>(mut stream: S)
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
{
    let work = async {
        let mut read = 0usize;
        while let Some(Ok(chunk)) = stream.next().await {
            read += chunk.len();
            if read > DRAIN_LIMIT {
                break;
            }
        }
    };
    let _ = tokio::time::timeout(DRAIN_TIME, work).await;
}

/// The API's 413 for a file over the attachment limit: problem+json naming the rule.
pub fn too_large_problem(limit: u64) -> Response {
    let e = kakehashi_domain::attachment::too_large(limit);
    problem(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload-too-large",
        &e.message_ja,
        &e.message_en,
        vec![field_error(e.field, e.rule, &e.message_ja, &e.message_en)],
    )
}

/// `filename*=` value (RFC 8187): UTF-8, percent-encoded outside attr-char.
fn ext_value(name: &str) -> String {
    let mut out = String::from("UTF-8''");
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The `Content-Disposition` of a download: always `attachment`, with an ASCII fallback name
/// and the real one as `filename*`.
pub fn disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!(
        "attachment; filename=\"{ascii}\"; filename*={}",
        ext_value(name)
    )
}

/// Streams a download the policy allowed, one stored chunk at a time.
pub fn download_response(app: App, d: Visible<Download>) -> Response {
    let view = d.get().view.clone();
    let chunks = d.get().chunks();
    let stream = futures_util::stream::unfold((app, d, 0u32), move |(app, d, seq)| async move {
        if seq >= chunks {
            return None;
        }
        let item = app
            .download_chunk(&d, seq)
            .await
            .map(Bytes::from)
            .map_err(|e| std::io::Error::other(e.to_string()));
        Some((item, (app, d, seq + 1)))
    });
    let mut res = Response::new(Body::from_stream(stream));
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&view.content_type)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(view.size));
    if let Ok(v) = HeaderValue::from_str(&disposition(&view.filename)) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    if let Ok(bytes) = hex::decode(&view.sha256) {
        let b64 = base64::engine::general_purpose::STANDARD.encode(bytes);
        if let Ok(v) = HeaderValue::from_str(&format!("sha-256=:{b64}:")) {
            h.insert("repr-digest", v);
        }
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upload_paths() {
        assert!(is_upload(&Method::POST, "/api/v1/copies/abc/attachments"));
        assert!(is_upload(&Method::POST, "/provisions/p1/attachments"));
        assert!(!is_upload(&Method::GET, "/api/v1/copies/abc/attachments"));
        assert!(!is_upload(&Method::POST, "/api/v1/copies/abc/forward"));
        assert!(!is_upload(&Method::POST, "/api/v1/copies//attachments"));
        assert!(!is_upload(&Method::POST, "/api/v1/copies/a/b/attachments"));
    }

    #[test]
    fn dispositions_are_attachments_with_safe_names() {
        assert_eq!(
            disposition("報道発表.pdf"),
            "attachment; filename=\"____.pdf\"; filename*=UTF-8''%E5%A0%B1%E9%81%93%E7%99%BA%E8%A1%A8.pdf"
        );
        assert_eq!(
            disposition("a\"b.txt"),
            "attachment; filename=\"a_b.txt\"; filename*=UTF-8''a%22b.txt"
        );
    }
}
