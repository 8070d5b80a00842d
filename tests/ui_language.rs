//! One language at a time, remembered per person: `?lang=` switches the UI and stores the choice
//! on the person, and signing in on any other browser restores it. Error pages speak only the
//! page's language. On both backends.

use crate::common::{web_sign_in, Backend, TestServer, PASSWORD};

fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .expect("client")
}

async fn page(c: &reqwest::Client, url: &str) -> (u16, String) {
    let r = c.get(url).send().await.expect("get");
    let status = r.status().as_u16();
    (status, r.text().await.expect("html"))
}

fn html_lang(html: &str) -> &str {
    let key = "<html lang=\"";
    let i = html.find(key).map(|i| i + key.len()).unwrap_or(0);
    &html[i..i + 2]
}

on_both_backends!(language_per_person);

async fn language_per_person(backend: Backend) {
    let srv = TestServer::start(backend).await;
    let base = &srv.base;

    // Japanese by default.
    let first = browser();
    let r = web_sign_in(&first, base, "op-power", PASSWORD).await;
    assert_eq!(r.status(), 200, "signed in and on the inbox");
    let (_, html) = page(&first, &format!("{base}/inbox")).await;
    assert_eq!(html_lang(&html), "ja");

    // English when chosen: the page, and what follows without `?lang=`.
    let (st, html) = page(&first, &format!("{base}/inbox?lang=en")).await;
    assert_eq!(st, 200);
    assert_eq!(html_lang(&html), "en");
    assert!(
        html.contains("Inbox") && !html.contains("受信箱"),
        "English only"
    );

    // Another browser: signing in restores the person's choice.
    let second = browser();
    let r = web_sign_in(&second, base, "op-power", PASSWORD).await;
    assert_eq!(r.status(), 200);
    let html = r.text().await.expect("html");
    assert_eq!(html_lang(&html), "en", "remembered for the person");

    // An error page speaks the page's language only.
    let (st, html) = page(&second, &format!("{base}/copies/no-such-copy")).await;
    assert_eq!(st, 404);
    assert!(html.contains("Not found"), "{html}");
    assert!(
        !html.contains("見つかりません"),
        "no Japanese message in English"
    );
    let (st, html) = page(&second, &format!("{base}/copies/no-such-copy?lang=ja")).await;
    assert_eq!(st, 404);
    assert!(html.contains("見つかりません"));
    assert!(
        !html.contains("Not found"),
        "no English message in Japanese"
    );

    // Back to Japanese from the second browser; someone else on the first browser gets their
    // own language (Japanese, never chosen otherwise), whatever the browser showed last.
    let third = browser();
    let r = web_sign_in(&third, base, "op-power", PASSWORD).await;
    assert_eq!(html_lang(&r.text().await.expect("html")), "ja");
    let (_, html) = page(&first, &format!("{base}/inbox?lang=en")).await;
    assert_eq!(html_lang(&html), "en");
    let r = web_sign_in(&first, base, "meti", PASSWORD).await;
    assert_eq!(r.status(), 200);
    assert_eq!(
        html_lang(&r.text().await.expect("html")),
        "ja",
        "meti's own"
    );
}
