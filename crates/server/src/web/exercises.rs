//! 演習・セプター訓練 — the pages: the list (organiser's form to design one; a participant's
//! tasks), one exercise with its scenario and the organiser's controls, and the after-action
//! report. Everything here carries the exercise banner.

use crate::i18n::Lang;
use maud::{html, Markup};

/// The banner every page of an exercise (or filed in one) carries.
pub fn exercise_banner(lang: Lang, name: &str) -> Markup {
    html! {
        div.ex-banner #exercise-banner role="note" {
            (lang.t("【演習】", "[EXERCISE] "))
            (lang.t("これは演習です。実際の事案ではありません — ", "This is an exercise, not a real case — "))
            (name)
        }
    }
}
