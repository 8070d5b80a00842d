//! The public channel through the real router on both backends: `/public`, the item pages, the
//! public downloads and `/public/feed.atom` show the TLP:CLEAR liaison copies and provisions and
//! nothing else — checked with an item at every other level (RED, AMBER+STRICT, AMBER, GREEN),
//! and a CLEAR item's attachments are public only when they belong to the CLEAR hop.

use crate::attachments::{filed_copy, upload};
use crate::common::{Backend, Session, TestServer};
use serde_json::json;

on_both_backends!(only_clear_items_are_public_on_the_page_the_feed_and_downloads);

/// NISC sends a provision at `tlp` to METI (electric power), drawn on a source item; returns
/// its id.
pub async fn sent_provision(_srv: &TestServer, nisc: &Session, tlp: &str) -> String {
    let (st, item) = nisc
        .post(
            "/api/v1/source-items",
            json!({ "title": "ベンダー公表情報", "origin": "ベンダー", "tlp": "CLEAR" }),
        )
        .await;
    assert_eq!(st, 201, "{item}");
    let (st, d) = nisc
        .post(
            "/api/v1/provisions",
            json!({
                "form": {
                    "importance": "caution", "tlp": tlp, "has_attachments": false,
                    "recipients": [ { "ministry": "meti", "sector": "electric_power" } ],
                    "summary": format!("{tlp} の脆弱性情報"),
                    "targets": "給電指令システム",
                    "countermeasures": "修正プログラムを適用すること。",
                    "contact": { "person": "提供 花子", "email": "teikyo.hanako@nisc.example.go.jp" }
                },
                "sources": [ { "kind": "item", "id": item["id"] } ]
            }),
        )
        .await;
    assert_eq!(st, 201, "{d}");
    let id = d["id"].as_str().expect("id").to_owned();
    let (st, sent) = nisc
        .post(&format!("/api/v1/provisions/{id}/send"), json!({}))
        .await;
    assert_eq!(st, 200, "{sent}");
    id
}

/// An anonymous GET: status, content type, body.
async fn anon(srv: &TestServer, path: &str) -> (u16, String, Vec<u8>) {
    let res = reqwest::Client::new()
        .get(format!("{}{path}", srv.base))
        .send()
        .await
        .expect("get");
    let st = res.status().as_u16();
    let ct = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    (st, ct, res.bytes().await.expect("body").to_vec())
}

const OTHERS: [&str; 4] = ["RED", "AMBER+STRICT", "AMBER", "GREEN"];

async fn only_clear_items_are_public_on_the_page_the_feed_and_downloads(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let op = srv.login("op-power").await;
    let nisc = srv.login("nisc").await;

    // Nothing public yet: the page says so (and answers without signing in).
    let (st, _, body) = anon(&srv, "/public").await;
    assert_eq!(st, 200);
    assert!(String::from_utf8_lossy(&body).contains("public-empty"));

    // One copy and one provision at every level, each copy with an attachment.
    let mut copies = Vec::new();
    let mut files = Vec::new();
    let mut provisions = Vec::new();
    for tlp in OTHERS.iter().chain(&["CLEAR"]) {
        let copy = filed_copy(&srv, tlp).await;
        let (st, f) = upload(
            &op,
            &format!("/api/v1/copies/{copy}/attachments"),
            "filename=press.txt",
            format!("{tlp} press release").into_bytes(),
        )
        .await;
        assert_eq!(st, 201, "{f}");
        files.push(f["id"].as_str().expect("id").to_owned());
        copies.push(copy);
        provisions.push(sent_provision(&srv, &nisc, tlp).await);
    }
    let (clear_copy, clear_file, clear_provision) = (&copies[4], &files[4], &provisions[4]);

    // The page lists the CLEAR copy and provision, nothing else.
    let (st, _, body) = anon(&srv, "/public").await;
    assert_eq!(st, 200);
    let html = String::from_utf8_lossy(&body).into_owned();
    assert!(
        html.contains(&format!("/public/copies/{clear_copy}")),
        "{html}"
    );
    assert!(
        html.contains(&format!("/public/provisions/{clear_provision}")),
        "{html}"
    );
    for i in 0..4 {
        assert!(!html.contains(&copies[i]), "{} copy listed", OTHERS[i]);
        assert!(
            !html.contains(&provisions[i]),
            "{} provision listed",
            OTHERS[i]
        );
    }
    let (st, _, en) = anon(&srv, "/public?lang=en").await;
    assert_eq!(st, 200);
    assert!(String::from_utf8_lossy(&en).contains("Public information"));

    // Each CLEAR item opens without signing in, with its attachment; every other is the
    // missing id's 404.
    let (st, _, body) = anon(&srv, &format!("/public/copies/{clear_copy}")).await;
    assert_eq!(st, 200);
    assert!(String::from_utf8_lossy(&body).contains(clear_file.as_str()));
    let (st, _, body) = anon(&srv, &format!("/public/provisions/{clear_provision}")).await;
    assert_eq!(st, 200);
    assert!(String::from_utf8_lossy(&body).contains("CLEAR の脆弱性情報"));
    let (st, ct, body) = anon(
        &srv,
        &format!("/public/copies/{clear_copy}/attachments/{clear_file}"),
    )
    .await;
    assert_eq!((st, ct.as_str()), (200, "text/plain; charset=utf-8"));
    assert_eq!(body, b"CLEAR press release");
    let (missing_st, _, missing) = anon(&srv, "/public/copies/no-such-copy").await;
    assert_eq!(missing_st, 404);
    for i in 0..4 {
        let (st, _, body) = anon(&srv, &format!("/public/copies/{}", copies[i])).await;
        assert_eq!((st, &body), (404, &missing), "{} copy", OTHERS[i]);
        let (st, _, _) = anon(&srv, &format!("/public/provisions/{}", provisions[i])).await;
        assert_eq!(st, 404, "{} provision", OTHERS[i]);
        let (st, _, _) = anon(
            &srv,
            &format!("/public/copies/{}/attachments/{}", copies[i], files[i]),
        )
        .await;
        assert_eq!(st, 404, "{} attachment", OTHERS[i]);
        // A restricted hop's file asked for under the CLEAR copy: not the CLEAR hop's.
        let (st, _, _) = anon(
            &srv,
            &format!("/public/copies/{clear_copy}/attachments/{}", files[i]),
        )
        .await;
        assert_eq!(st, 404, "{} attachment under the CLEAR copy", OTHERS[i]);
    }
    // A draft is never public, whatever its level.
    let (st, d) = nisc
        .post(
            "/api/v1/provisions",
            json!({ "form": { "tlp": "CLEAR", "summary": "下書き",
                "recipients": [ { "ministry": "meti", "sector": "electric_power" } ] },
                "sources": [] }),
        )
        .await;
    if st == 201 {
        let draft = d["id"].as_str().expect("id");
        let (st, _, _) = anon(&srv, &format!("/public/provisions/{draft}")).await;
        assert_eq!(st, 404, "draft");
    }

    // The Atom feed: parsed, the same two items, nothing else.
    let (st, ct, body) = anon(&srv, "/public/feed.atom").await;
    assert_eq!(st, 200);
    assert!(ct.starts_with("application/atom+xml"), "{ct}");
    let feed = atom_syndication::Feed::read_from(&body[..]).expect("Atom 1.0");
    let links: Vec<String> = feed
        .entries()
        .iter()
        .flat_map(|e| e.links().iter().map(|l| l.href().to_owned()))
        .collect();
    assert_eq!(feed.entries().len(), 2, "{links:?}");
    assert!(links
        .iter()
        .any(|l| l.ends_with(&format!("/public/copies/{clear_copy}"))));
    assert!(links
        .iter()
        .any(|l| l.ends_with(&format!("/public/provisions/{clear_provision}"))));
    let text = String::from_utf8_lossy(&body);
    for i in 0..4 {
        assert!(!text.contains(&copies[i]) && !text.contains(&provisions[i]));
    }
    assert!(feed.title().as_str().contains("公開情報"));
}
