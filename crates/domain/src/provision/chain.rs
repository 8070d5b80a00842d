//! A provision chain: 第1報 `T<n>`, 続報 `T<n>-<k>` (図６: 「第３報以降も同様」).

use super::form::ProvisionForm;
use crate::numbering::{IdentNumber, Series};

/// The identification number of provision `report_no` in chain `T<chain_number>`: `T<n>` for
/// the 1st, `T<n>-<k>` after.
pub fn ident_for(chain_number: u64, report_no: u32) -> IdentNumber {
    IdentNumber::new(Series::Provision, chain_number, report_no.max(1))
}

/// The T-number a form carries, when it is a valid provision number.
pub fn ident_of(form: &ProvisionForm) -> Option<IdentNumber> {
    form.ident_number
        .as_deref()
        .and_then(|s| s.parse::<IdentNumber>().ok())
        .filter(|n| n.series == Series::Provision)
}

/// A draft of the next provision (続報) of the same chain: content, recipients, TLP and contact
/// carried over to correct and extend; 報数 + 1; 識別番号 `T<n>-<k+1>` when the previous one is
/// numbered; 情報提供日時 cleared; indicators kept.
pub fn follow_up(prev: &ProvisionForm) -> ProvisionForm {
    let report_no = prev.report_no.max(1).saturating_add(1);
    ProvisionForm {
        report_no,
        ident_number: ident_of(prev).map(|n| ident_for(n.chain, report_no).to_string()),
        provided_at: None,
        ..prev.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provision::fixtures::official_fig8_example;

    #[test]
    fn numbers() {
        assert_eq!(ident_for(1, 1).to_string(), "T1");
        assert_eq!(ident_for(1, 2).to_string(), "T1-2");
        assert_eq!(ident_for(9, 0).to_string(), "T9");
    }

    #[test]
    fn follow_up_numbers_the_next_report() {
        let first = official_fig8_example();
        let second = follow_up(&first);
        assert_eq!(second.report_no, 2);
        assert_eq!(second.ident_number.as_deref(), Some("T1-2"));
        assert_eq!(second.provided_at, None);
        assert_eq!(second.recipients, first.recipients);
        let third = follow_up(&second);
        assert_eq!(third.ident_number.as_deref(), Some("T1-3"));

        let mut unnumbered = first.clone();
        unnumbered.ident_number = Some("R1".into());
        assert_eq!(follow_up(&unnumbered).ident_number, None);
    }
}
