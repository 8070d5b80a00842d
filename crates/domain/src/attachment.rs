//! 別紙・検体 — files attached to one hop of a liaison or to a provision, as plain rules over
//! bytes (no I/O): the file name, the size limit, the content type sniffed from the bytes, and
//! the specimen rule.
//!
//! # What the handbook says (情報共有の手引書 Ⅱ.2.3(3), Ⅱ.2.4(2); seed lines)
//!
//! * 別紙 (L36424–36428): 「発生した事象に関し、報道発表・ウェブサイトでの発表等を行っている場合には、
//!   リンク先の明示や当該資料を別紙として添付することが望まれます。」 — a press release or web
//!   announcement is attached as 別紙 (or its address given). The form says the same under
//!   対外的な対応状況 (L36293–36297: 「報道発表等がある場合は、別紙として添付する、あるいは掲載ページの
//!   アドレス等を記載。」), and both forms carry the required cell 別紙有無 (L35878, L36633).
//! * 検体等 (L36430–36436): 「発生した事象に係る検体等（届いた電子メール、添付されていたファイル等）は
//!   攻撃者に係る情報、対策の検討等に有益なものです。このため、それらをＮＩＳＣが必要と判断する場合、
//!   重要インフラ所管省庁及び重要インフラ事業者等と調整の上、提供いただく場合があります。」
//! * NISC's handling (L36450–36455): 「ＮＩＳＣが検体等を受領した際には、ＮＩＳＣにおいて分析を行う
//!   ほか、あらかじめ連携を要請したサイバーセキュリティ関係機関と共有し、分析等を依頼することも
//!   あります。」 — and the liaison as a whole is kept confidential (秘匿性の確保, L36442–36448).
//!
//! # What follows here
//!
//! * An attachment belongs to one hop (a liaison copy) or one provision and has that hop's TLP
//!   and audience: it is read through the same policy decision as its hop, never on its own.
//! * A 検体 (specimen: a received e-mail, a malicious file) is live attacker material. The
//!   handbook names no packaging, so the platform takes the common practice of the community
//!   the handbook points to (the cybersecurity agencies NISC shares specimens with): it accepts
//!   a specimen only as a password-protected ZIP archive, every entry encrypted
//!   ([`check_specimen`]), never previews or renders it, and never stores the password — the
//!   handbook has it provided "after coordination" (調整の上), so the password travels out of
//!   band between the people coordinating, not with the file.
//! * The content type is sniffed from the bytes ([`sniff`]); the client's claim is ignored.
//!   A download is always `Content-Disposition: attachment` with a type from a short safe list
//!   ([`Sniffed::served`]); HTML, SVG, XML and scripts are served as `application/octet-stream`.

use crate::liaison::FieldError;
use crate::text::{control_char_message, first_control_char};
use serde::{Deserialize, Serialize};
use std::io::Cursor;

/// Default size limit of one attachment (a platform setting may change it): 10 MiB, enough for
/// a press release, a log excerpt, screenshots or a zipped specimen.
pub const DEFAULT_MAX_BYTES: u64 = 10 * 1024 * 1024;

/// Longest file name kept, in characters.
pub const MAX_FILENAME_CHARS: usize = 200;

/// Seed lines of the rules above, for screens that cite them.
pub const SEED_LINES: &str = "L36424–36436, L36450–36455";

/// 別紙 or 検体.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AttachmentKind {
    /// 別紙 — material such as a press release, a log, a screenshot.
    Material,
    /// 検体 — a specimen (received e-mail, malware sample) in a password-protected ZIP archive.
    Specimen,
}

impl AttachmentKind {
    pub fn code(self) -> &'static str {
        match self {
            AttachmentKind::Material => "material",
            AttachmentKind::Specimen => "specimen",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "material" => Some(AttachmentKind::Material),
            "specimen" => Some(AttachmentKind::Specimen),
            _ => None,
        }
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            AttachmentKind::Material => "別紙",
            AttachmentKind::Specimen => "検体",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            AttachmentKind::Material => "Attachment",
            AttachmentKind::Specimen => "Specimen",
        }
    }
}

/// The handling text shown beside every specimen (検体の取扱い).
pub const SPECIMEN_HANDLING_JA: &str = "検体（攻撃に用いられた電子メール・ファイル等）です。パスワード付きZIP書庫としてのみ保管し、画面には表示しません。パスワードは本システムに保存せず、調整の上、別経路で伝えてください（手引書 Ⅱ.2.3(3)）。分析環境以外で展開しないでください。ＮＩＳＣは受領した検体を分析し、あらかじめ連携を要請したサイバーセキュリティ関係機関と共有して分析を依頼することがあります（Ⅱ.2.4(2)）。";
pub const SPECIMEN_HANDLING_EN: &str = "Specimen (an e-mail or file used in the attack). Kept only as a password-protected ZIP archive and never shown on screen. The password is not stored here: give it through another channel, as coordinated (handbook II.2.3(3)). Do not open it outside an analysis environment. NISC analyses specimens it receives and may share them with the cybersecurity agencies it asked in advance for analysis (II.2.4(2)).";

fn err(field: &'static str, rule: &'static str, ja: String, en: String) -> FieldError {
    FieldError {
        field,
        rule,
        message_ja: ja,
        message_en: en,
    }
}

/// The file name as kept: the last path component, trimmed; refused when empty, too long or
/// holding control characters.
pub fn check_filename(raw: &str) -> Result<String, FieldError> {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or("").trim();
    if base.is_empty() || base == "." || base == ".." {
        return Err(err(
            "filename",
            "required",
            "ファイル名を指定してください。".into(),
            "Give the file name.".into(),
        ));
    }
    if let Some(c) = first_control_char(base, false) {
        let (ja, en) = control_char_message("filename", c);
        return Err(err("filename", "control_char", ja, en));
    }
    if base.chars().count() > MAX_FILENAME_CHARS {
        return Err(err(
            "filename",
            "too_long",
            format!("ファイル名は{MAX_FILENAME_CHARS}文字以内にしてください。"),
            format!("The file name must be at most {MAX_FILENAME_CHARS} characters."),
        ));
    }
    Ok(base.to_owned())
}

/// The 413 message of a file over the limit (rule `attachment_size`).
pub fn too_large(max: u64) -> FieldError {
    let mib = max as f64 / (1024.0 * 1024.0);
    err(
        "file",
        "attachment_size",
        format!("添付ファイルは{max}バイト（{mib:.1} MiB）以内にしてください（添付ファイルの上限）。何も保存していません。"),
        format!("An attachment may be at most {max} bytes ({mib:.1} MiB) (attachment size limit). Nothing was stored."),
    )
}

/// An empty file (rule `required`).
pub fn empty_file() -> FieldError {
    err(
        "file",
        "required",
        "空のファイルは添付できません。".into(),
        "An empty file cannot be attached.".into(),
    )
}

/// What the bytes are, by their content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sniffed {
    /// The detected media type (`text/plain` for UTF-8 text without NUL,
    /// `application/octet-stream` when nothing matched).
    pub detected: String,
}

/// Types served under their own name: none of them is rendered as active content by a browser,
/// and downloads are `attachment` with `nosniff` anyway.
const SAFE_TYPES: [&str; 8] = [
    "application/pdf",
    "application/zip",
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "text/plain",
    "message/rfc822",
];

impl Sniffed {
    /// The `Content-Type` of a download: the detected type when it is on the safe list, else
    /// `application/octet-stream` (HTML, SVG, XML, scripts and everything unknown).
    pub fn served(&self) -> &'static str {
        served_type(&self.detected)
    }
}

/// See [`Sniffed::served`].
pub fn served_type(detected: &str) -> &'static str {
    match SAFE_TYPES.iter().find(|t| **t == detected) {
        Some(&"text/plain") => "text/plain; charset=utf-8",
        Some(t) => t,
        None => "application/octet-stream",
    }
}

/// Sniffs the media type from the bytes (the `infer` crate's magic numbers; UTF-8 text without
/// NUL as `text/plain` unless it looks like markup).
pub fn sniff(bytes: &[u8]) -> Sniffed {
    if let Some(t) = infer::get(bytes) {
        return Sniffed {
            detected: t.mime_type().to_owned(),
        };
    }
    let detected = match std::str::from_utf8(bytes) {
        Ok(text) if !text.contains('\0') => {
            if looks_like_markup(text) {
                "text/html"
            } else {
                "text/plain"
            }
        }
        _ => "application/octet-stream",
    };
    Sniffed {
        detected: detected.to_owned(),
    }
}

/// Text a browser would take for HTML, SVG or XML if it ever sniffed: recorded as such, and
/// therefore served as `application/octet-stream`.
fn looks_like_markup(text: &str) -> bool {
    let head: String = text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .chars()
        .take(512)
        .collect::<String>()
        .to_ascii_lowercase();
    [
        "<!doctype",
        "<html",
        "<?xml",
        "<svg",
        "<script",
        "<head",
        "<body",
        "<iframe",
    ]
    .iter()
    .any(|p| head.starts_with(p))
        || head.contains("<script")
        || head.contains("<svg")
}

/// 検体: accepts only a ZIP archive whose every file entry is encrypted (password-protected);
/// returns the number of entries. Refused with a clear error otherwise: not a ZIP archive
/// (rule `specimen_format`), an unencrypted entry (rule `specimen_unencrypted`, naming it).
pub fn check_specimen(bytes: &[u8]) -> Result<usize, FieldError> {
    let not_zip = || {
        err(
            "file",
            "specimen_format",
            "検体はパスワード付きZIP書庫で添付してください（ZIP書庫として読めません）。何も保存していません。".into(),
            "A specimen must be a password-protected ZIP archive (this is not a readable ZIP archive). Nothing was stored.".into(),
        )
    };
    if sniff(bytes).detected != "application/zip" {
        return Err(not_zip());
    }
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| not_zip())?;
    let mut files = 0;
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).map_err(|_| not_zip())?;
        if entry.is_dir() {
            continue;
        }
        if !entry.encrypted() {
            let name: String = entry
                .name()
                .map(|n| n.chars().filter(|c| !c.is_control()).collect())
                .unwrap_or_default();
            return Err(err(
                "file",
                "specimen_unencrypted",
                format!("検体のZIP書庫の「{name}」がパスワードで保護されていません。全てのファイルを暗号化したパスワード付きZIP書庫で添付してください。何も保存していません。"),
                format!("The entry \"{name}\" of the specimen archive is not password-protected. Attach a ZIP archive with every file encrypted. Nothing was stored."),
            ));
        }
        files += 1;
    }
    if files == 0 {
        return Err(err(
            "file",
            "specimen_empty",
            "検体のZIP書庫にファイルがありません。何も保存していません。".into(),
            "The specimen archive holds no file. Nothing was stored.".into(),
        ));
    }
    Ok(files)
}

/// 別紙有無 as the form shows it: 有 when the hop has attachments; otherwise what was typed on
/// the form (records from before attachments were kept on the platform say 有 when the
/// material went another way).
pub fn has_attachments(typed: Option<bool>, attached: usize) -> Option<bool> {
    if attached > 0 {
        Some(true)
    } else {
        typed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use zip::unstable::write::FileOptionsExt;
    use zip::write::SimpleFileOptions;

    fn zip_of(entries: &[(&str, Option<&str>)]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, password) in entries {
            let opts =
                SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
            let opts = match password {
                Some(p) => opts
                    .with_deprecated_encryption(p.as_bytes())
                    .expect("zipcrypto"),
                None => opts,
            };
            w.start_file(*name, opts).expect("start");
            w.write_all(b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR")
                .expect("write");
        }
        w.finish().expect("finish").into_inner()
    }

    #[test]
    fn encrypted_zip_is_a_specimen() {
        let z = zip_of(&[("mail.eml", Some("infected")), ("a.exe", Some("infected"))]);
        assert_eq!(check_specimen(&z), Ok(2));
    }

    #[test]
    fn unencrypted_entry_is_refused_by_name() {
        let z = zip_of(&[("mail.eml", Some("infected")), ("plain.exe", None)]);
        let e = check_specimen(&z).expect_err("refused");
        assert_eq!(e.rule, "specimen_unencrypted");
        assert!(e.message_en.contains("plain.exe"));
        let z = zip_of(&[("plain.exe", None)]);
        assert_eq!(
            check_specimen(&z).expect_err("refused").rule,
            "specimen_unencrypted"
        );
    }

    #[test]
    fn non_zip_and_empty_zip_are_refused() {
        assert_eq!(
            check_specimen(b"MZ\x90\x00 not a zip").expect_err("x").rule,
            "specimen_format"
        );
        assert_eq!(
            check_specimen(&zip_of(&[])).expect_err("x").rule,
            "specimen_empty"
        );
    }

    #[test]
    fn sniffing_ignores_names_and_never_serves_markup() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        assert_eq!(sniff(png).detected, "image/png");
        assert_eq!(sniff(png).served(), "image/png");
        assert_eq!(
            sniff(b"2026-01-01 login failed\n").served(),
            "text/plain; charset=utf-8"
        );
        for markup in [
            "<!DOCTYPE html><p>x",
            "<svg xmlns='http://www.w3.org/2000/svg'/>",
            "<?xml version='1.0'?><a/>",
            "  <html><script>alert(1)</script>",
        ] {
            assert_eq!(
                sniff(markup.as_bytes()).served(),
                "application/octet-stream"
            );
        }
        assert_eq!(sniff(b"\0\x01\x02").served(), "application/octet-stream");
        assert_eq!(served_type("text/html"), "application/octet-stream");
        assert_eq!(served_type("image/svg+xml"), "application/octet-stream");
    }

    #[test]
    fn filenames() {
        assert_eq!(
            check_filename("C:\\tmp\\press.pdf").as_deref(),
            Ok("press.pdf")
        );
        assert_eq!(check_filename("../../etc/passwd").as_deref(), Ok("passwd"));
        assert_eq!(
            check_filename(" 報道発表.pdf ").as_deref(),
            Ok("報道発表.pdf")
        );
        assert_eq!(check_filename("dir/").expect_err("x").rule, "required");
        assert_eq!(check_filename("..").expect_err("x").rule, "required");
        assert_eq!(
            check_filename("a\u{7}b").expect_err("x").rule,
            "control_char"
        );
        assert_eq!(
            check_filename(&"x".repeat(201)).expect_err("x").rule,
            "too_long"
        );
    }

    #[test]
    fn the_flag_follows_what_is_attached() {
        assert_eq!(has_attachments(Some(false), 1), Some(true));
        assert_eq!(has_attachments(None, 2), Some(true));
        assert_eq!(has_attachments(Some(true), 0), Some(true));
        assert_eq!(has_attachments(Some(false), 0), Some(false));
        assert_eq!(too_large(10).rule, "attachment_size");
    }
}
