//! 別紙・検体 through the real router on both backends: upload and download with SHA-256, the
//! content type sniffed from the bytes, the size limit (413, nothing stored), the owner's read
//! gate (another sector's person gets exactly the missing id's 404), the audit log, specimens
//! only as encrypted ZIP archives and never served inline, and 別紙有無 following what is
//! attached.

use crate::common::{items, power_form, Backend, Session, TestServer};
use kakehashi_app::AppConfig;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::io::Write;

on_both_backends!(
    a_file_goes_up_and_comes_back_through_the_hops_policy,
    a_file_over_the_limit_is_refused_and_nothing_is_stored,
    specimens_only_as_encrypted_zip_archives,
    provisions_take_attachments_from_nisc_only,
);

const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

/// Uploads raw bytes; returns the status and JSON answer.
pub async fn upload(s: &Session, path: &str, query: &str, bytes: Vec<u8>) -> (u16, Value) {
    let res = s
        .client
        .post(format!("{}{path}?{query}", s.base))
        .header("x-csrf-token", &s.csrf)
        .header("content-type", "application/octet-stream")
        .body(bytes)
        .send()
        .await
        .expect("upload");
    let st = res.status().as_u16();
    (st, res.json().await.unwrap_or(Value::Null))
}

/// Downloads: status, headers, bytes.
pub async fn download(s: &Session, path: &str) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
    let res = s
        .client
        .get(format!("{}{path}", s.base))
        .send()
        .await
        .expect("download");
    let st = res.status().as_u16();
    let h = res.headers().clone();
    (st, h, res.bytes().await.expect("bytes").to_vec())
}

fn sha(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// op-power files a statutory report at `tlp` to METI; returns the copy id.
pub async fn filed_copy(srv: &TestServer, tlp: &str) -> String {
    let op = srv.login("op-power").await;
    let (st, filed) = op
        .post(
            "/api/v1/liaisons",
            json!({ "form": power_form(tlp), "statutory": true }),
        )
        .await;
    assert_eq!(st, 201, "{filed}");
    filed["copies"][0].as_str().expect("copy").to_owned()
}

pub fn zip_of(entries: &[(&str, Option<&str>)]) -> Vec<u8> {
    use zip::unstable::write::FileOptionsExt;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, password) in entries {
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        let opts = match password {
            Some(p) => opts
                .with_deprecated_encryption(p.as_bytes())
                .expect("zipcrypto"),
            None => opts,
        };
        w.start_file(*name, opts).expect("start");
        w.write_all(b"Received: from attacker.example\r\nSubject: invoice\r\n\r\nMZ...")
            .expect("write");
    }
    w.finish().expect("finish").into_inner()
}

async fn a_file_goes_up_and_comes_back_through_the_hops_policy(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let copy = filed_copy(&srv, "AMBER").await;
    let op = srv.login("op-power").await;
    let base = format!("/api/v1/copies/{copy}/attachments");

    // Before: none, and the form says 無 as typed.
    let (st, list) = op.get(&base).await;
    assert_eq!(st, 200, "{list}");
    assert!(items(&list).is_empty());
    let (st, c) = op.get(&format!("/api/v1/copies/{copy}")).await;
    assert_eq!(st, 200, "{c}");
    assert_eq!(c["form"]["has_attachments"], json!(false));

    // A screenshot named like a web page: the type comes from the bytes.
    let (st, png) = upload(&op, &base, "filename=screen.html", PNG.to_vec()).await;
    assert_eq!(st, 201, "{png}");
    assert_eq!(png["detected_type"], "image/png");
    assert_eq!(png["content_type"], "image/png");
    assert_eq!(png["sha256"], json!(sha(PNG)));
    assert_eq!(png["size"], json!(PNG.len()));
    assert_eq!(png["kind"], "material");
    assert_eq!(png["tlp"], "AMBER");
    // Markup named like a log: kept, but never served as HTML.
    let html = b"<!DOCTYPE html><script>alert(1)</script>".to_vec();
    let (st, page) = upload(&op, &base, "filename=C%3A%5Clogs%5Cnotes.txt", html.clone()).await;
    assert_eq!(st, 201, "{page}");
    assert_eq!(page["filename"], "notes.txt");
    assert_eq!(page["detected_type"], "text/html");
    assert_eq!(page["content_type"], "application/octet-stream");

    // 別紙有無 now follows what is attached.
    let (_, c) = op.get(&format!("/api/v1/copies/{copy}")).await;
    assert_eq!(c["form"]["has_attachments"], json!(true), "{c}");

    // The addressee reads and downloads them: same bytes, attachment, nosniff, digest.
    let meti = srv.login("meti").await;
    let (st, list) = meti.get(&base).await;
    assert_eq!(st, 200, "{list}");
    assert_eq!(items(&list).len(), 2);
    let png_id = png["id"].as_str().expect("id");
    let (st, h, body) = download(&meti, &format!("{base}/{png_id}")).await;
    assert_eq!(st, 200);
    assert_eq!(body, PNG);
    assert_eq!(sha(&body), png["sha256"].as_str().expect("sha"));
    assert_eq!(h["content-type"], "image/png");
    assert_eq!(h["x-content-type-options"], "nosniff");
    let disp = h["content-disposition"].to_str().expect("ascii");
    assert!(disp.starts_with("attachment;"), "{disp}");
    assert!(h["repr-digest"]
        .to_str()
        .expect("ascii")
        .starts_with("sha-256=:"));
    let page_id = page["id"].as_str().expect("id");
    let (st, h, body) = download(&meti, &format!("{base}/{page_id}")).await;
    assert_eq!(st, 200);
    assert_eq!(body, html);
    assert_eq!(h["content-type"], "application/octet-stream");
    assert!(h["content-disposition"]
        .to_str()
        .expect("ascii")
        .starts_with("attachment;"));

    // The addressee reads but did not send this hop: it cannot attach to it.
    let (st, v) = upload(&meti, &base, "filename=x.txt", b"x".to_vec()).await;
    assert_eq!(st, 403, "{v}");

    // Another sector's operator: exactly the missing id's 404, on every route.
    let rail = srv.login("op-rail").await;
    let (missing_st, missing) = rail.get("/api/v1/copies/no-such-copy/attachments").await;
    assert_eq!(missing_st, 404);
    let (st, v) = rail.get(&base).await;
    assert_eq!((st, &v), (404, &missing));
    let (st, _, body) = download(&rail, &format!("{base}/{png_id}")).await;
    let (mst, _, mbody) = download(&rail, "/api/v1/copies/no-such-copy/attachments/nope").await;
    assert_eq!((st, &body), (mst, &mbody));
    assert_eq!(st, 404);
    let (st, v) = upload(&rail, &base, "filename=x.txt", b"x".to_vec()).await;
    assert_eq!((st, &v), (404, &missing));
    // An attachment asked for under another copy is not found either.
    let other = filed_copy(&srv, "AMBER").await;
    let (st, _, _) = download(
        &meti,
        &format!("/api/v1/copies/{other}/attachments/{png_id}"),
    )
    .await;
    assert_eq!(st, 404);

    // Audited: both uploads, the AMBER downloads, and the refused attempts.
    srv.app.flush_refusals().await.expect("flush");
    let admin = srv.login_admin().await;
    let (st, log) = admin.get("/api/v1/audit?limit=1000").await;
    assert_eq!(st, 200, "{log}");
    let entries = items(&log);
    let count = |action: &str| entries.iter().filter(|e| e["action"] == action).count();
    assert_eq!(count("attachment.add"), 2);
    assert_eq!(count("attachment.read"), 2);
    assert!(
        log.to_string().contains(&format!("attachment:{png_id}")),
        "refused downloads noted"
    );

    // Bad input: no name, an empty file.
    let (st, v) = upload(&op, &base, "", b"x".to_vec()).await;
    assert_eq!(
        (st, v["errors"][0]["rule"].as_str()),
        (422, Some("required")),
        "{v}"
    );
    let (st, v) = upload(&op, &base, "filename=a.txt", vec![]).await;
    assert_eq!(
        (st, v["errors"][0]["rule"].as_str()),
        (422, Some("required")),
        "{v}"
    );
    let (st, v) = upload(&op, &base, "filename=a.txt&kind=virus", b"x".to_vec()).await;
    assert_eq!(
        (st, v["errors"][0]["field"].as_str()),
        (422, Some("kind")),
        "{v}"
    );
    let (_, list) = op.get(&base).await;
    assert_eq!(items(&list).len(), 2, "nothing stored by refused uploads");
}

async fn a_file_over_the_limit_is_refused_and_nothing_is_stored(backend: Backend) {
    let config = AppConfig {
        attachment_max_bytes: 4096,
        ..AppConfig::default()
    };
    let srv = TestServer::start_with(backend, None, config).await;
    let copy = filed_copy(&srv, "GREEN").await;
    let op = srv.login("op-power").await;
    let base = format!("/api/v1/copies/{copy}/attachments");
    let (st, ok) = upload(&op, &base, "filename=fits.log", vec![b'a'; 4096]).await;
    assert_eq!(st, 201, "{ok}");
    // Over this limit (and over the general 2 MiB body limit too): the rule is named.
    for size in [4097, 3 * 1024 * 1024] {
        let (st, v) = upload(&op, &base, "filename=big.log", vec![b'a'; size]).await;
        assert_eq!(st, 413, "{v}");
        assert_eq!(v["errors"][0]["rule"], "attachment_size", "{v}");
        assert_eq!(v["errors"][0]["field"], "file", "{v}");
        assert!(v["title_ja"].as_str().unwrap_or("").contains("4096"), "{v}");
    }
    let (st, list) = op.get(&base).await;
    assert_eq!(st, 200);
    assert_eq!(items(&list).len(), 1, "nothing stored: {list}");
}

async fn specimens_only_as_encrypted_zip_archives(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let copy = filed_copy(&srv, "AMBER").await;
    let op = srv.login("op-power").await;
    let base = format!("/api/v1/copies/{copy}/attachments");

    let plain = zip_of(&[("mail.eml", Some("infected")), ("dropper.exe", None)]);
    let (st, v) = upload(&op, &base, "filename=sample.zip&kind=specimen", plain).await;
    assert_eq!(st, 422, "{v}");
    assert_eq!(v["errors"][0]["rule"], "specimen_unencrypted");
    assert!(v["errors"][0]["message_en"]
        .as_str()
        .unwrap_or("")
        .contains("dropper.exe"));
    let (st, v) = upload(
        &op,
        &base,
        "filename=sample.exe&kind=specimen",
        b"MZ\x90\0".to_vec(),
    )
    .await;
    assert_eq!(
        (st, v["errors"][0]["rule"].as_str()),
        (422, Some("specimen_format")),
        "{v}"
    );
    let (_, list) = op.get(&base).await;
    assert!(items(&list).is_empty(), "nothing stored");

    let sealed = zip_of(&[
        ("mail.eml", Some("infected")),
        ("dropper.exe", Some("infected")),
    ]);
    let (st, v) = upload(
        &op,
        &base,
        "filename=sample.zip&kind=specimen",
        sealed.clone(),
    )
    .await;
    assert_eq!(st, 201, "{v}");
    assert_eq!(v["kind"], "specimen");
    assert!(
        v["handling_ja"]
            .as_str()
            .unwrap_or("")
            .contains("パスワード"),
        "{v}"
    );
    assert!(
        !v.to_string().contains("infected"),
        "the password is nowhere"
    );
    let id = v["id"].as_str().expect("id");

    let meti = srv.login("meti").await;
    let (st, h, body) = download(&meti, &format!("{base}/{id}")).await;
    assert_eq!(st, 200);
    assert_eq!(body, sealed);
    assert_eq!(h["content-type"], "application/zip");
    assert!(h["content-disposition"]
        .to_str()
        .expect("ascii")
        .starts_with("attachment;"));
    // The copy page lists it with its handling text, as a download link only.
    let res = meti
        .client
        .get(format!("{}/copies/{copy}", meti.base))
        .send()
        .await
        .expect("page");
    assert_eq!(res.status().as_u16(), 200);
    let html = res.text().await.expect("html");
    assert!(html.contains("specimen-handling"), "handling shown");
    assert!(!html.contains("<img"), "never previewed");
}

async fn provisions_take_attachments_from_nisc_only(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let nisc = srv.login("nisc").await;
    let id = crate::public_channel::sent_provision(&srv, &nisc, "GREEN").await;
    let base = format!("/api/v1/provisions/{id}/attachments");
    let (st, v) = upload(&nisc, &base, "filename=advisory.txt", b"patch now".to_vec()).await;
    assert_eq!(st, 201, "{v}");
    assert_eq!(v["tlp"], "GREEN");
    let meti = srv.login("meti").await;
    let (st, v) = upload(&meti, &base, "filename=x.txt", b"x".to_vec()).await;
    assert_eq!(st, 403, "{v}");
    let (st, list) = meti.get(&base).await;
    assert_eq!(st, 200, "{list}");
    assert_eq!(items(&list).len(), 1);
    let (st, p) = meti.get(&format!("/api/v1/provisions/{id}")).await;
    assert_eq!(st, 200, "{p}");
    assert_eq!(p["form"]["has_attachments"], json!(true), "{p}");
}
