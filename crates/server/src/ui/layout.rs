//! Page frame, styles and small helpers shared by every page.

use crate::auth::Authed;
use crate::i18n::Lang;
use kakehashi_domain::{OrgKind, Role};
use maud::{html, Markup, DOCTYPE};

pub const CSS: &str = r#"
body{font-family:"Noto Sans JP","Hiragino Sans",Meiryo,sans-serif;margin:0;color:#1b1b1b;background:#f6f7f9}
header{background:#123a5a;color:#fff;padding:.5rem 1rem;display:flex;gap:1rem;align-items:center;flex-wrap:wrap}
header a{color:#fff;text-decoration:none;margin-right:.8rem}header .who{margin-left:auto;font-size:.9rem}
main{max-width:1100px;margin:1rem auto;background:#fff;padding:1rem 1.5rem;border:1px solid #dde}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #ccd;padding:.3rem .5rem;vertical-align:top;text-align:left}
th{background:#eef2f7;width:14rem}.badge{display:inline-block;padding:0 .4rem;border-radius:3px;font-weight:bold;font-size:.85rem}
.tlp-RED{background:#c00;color:#fff}.tlp-AMBER,.tlp-AMBERSTRICT{background:#ffc000;color:#000}.tlp-GREEN{background:#33a02c;color:#fff}.tlp-CLEAR{background:#fff;border:1px solid #999}
.err{color:#b00020;font-size:.9rem}.errbox{border:2px solid #b00020;padding:.5rem 1rem;margin:.5rem 0;background:#fff4f4}
fieldset{border:1px solid #ccd;margin:.8rem 0}legend{font-weight:bold}label{margin-right:1rem}
input[type=text],input[type=password],textarea,select{width:100%;box-sizing:border-box;padding:.3rem}textarea{min-height:4rem}
button{background:#123a5a;color:#fff;border:0;padding:.5rem 1.2rem;border-radius:3px;cursor:pointer}
.req::after{content:" *";color:#b00020}.muted{color:#666;font-size:.9rem}.actions{margin:1rem 0;display:flex;gap:1rem}
.sheet h1{font-size:1.2rem;text-align:center}
@media print{header,.actions,.noprint,nav{display:none!important}body{background:#fff}main{border:0;margin:0;padding:0;max-width:none}
@page{size:A4;margin:12mm}th{background:#fff}table{font-size:10pt}}
"#;

pub fn tlp_badge(code: &str) -> Markup {
    let class = format!("badge tlp-{}", code.replace('+', ""));
    html! { span class=(class) { "TLP:" (code) } }
}

pub fn may_file(a: &Authed) -> bool {
    (a.actor.has(Role::Reporter) || a.actor.has(Role::Approver))
        && matches!(
            a.actor.org.kind,
            OrgKind::Operator | OrgKind::Ceptoar | OrgKind::CiMinistry
        )
}

/// The page frame. `authed` is absent on the sign-in page.
pub fn page(lang: Lang, title: &str, authed: Option<&Authed>, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " — 架け橋 Kakehashi" }
                link rel="stylesheet" href="/static/app.css";
            }
            body {
                header {
                    strong { "架け橋 Kakehashi" }
                    @if let Some(a) = authed {
                        nav {
                            a href="/inbox" { (lang.t("受信箱", "Inbox")) }
                            a href="/search" { (lang.t("検索", "Search")) }
                            @if may_file(a) { a href="/liaison/new" id="nav-new" { (lang.t("情報連絡の作成", "New liaison")) } }
                            a href="/reference" { (lang.t("参照データ", "Reference")) }
                            a href="/account/tokens" { (lang.t("APIトークン", "API tokens")) }
                            @if a.actor.is_platform_admin() { a href="/admin/audit" { (lang.t("監査", "Audit")) } }
                        }
                        span.who {
                            (a.actor.record.display_name) " / " (a.actor.org.name_ja) " "
                            form method="post" action="/signout" style="display:inline" {
                                input type="hidden" name="csrf" value=(a.csrf());
                                button type="submit" id="signout" { (lang.t("ログアウト", "Sign out")) }
                            }
                        }
                    }
                    a href=(if lang == Lang::Ja { "?lang=en" } else { "?lang=ja" }) { (lang.t("English", "日本語")) }
                }
                main { (body) }
            }
        }
    }
}
