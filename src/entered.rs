//! The certificate inputs as the page holds them: one text per input, and what is said about an
//! input until its text changes: the files refused for it (each an error on the input) and the
//! files an imported settings file named by path (which the user still has to drop or paste).
//!
//! Pure, so that the order of these rules is tested natively; the page keeps one signal of it,
//! and an undo puts back the whole value, notes and texts together.

use crate::inputs::{CertInput, CertInputs};

/// Sentences about inputs, each kept until its input's text changes.
pub type Notes = Vec<(CertInput, String)>;

/// The texts of the certificate inputs and the notes that stand beside them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Entered {
    texts: CertInputs,
    refused: Notes,
    wanted: Notes,
}

impl Entered {
    /// Every input replaced at once (the demo set, Clear all): no earlier note stands.
    pub fn new(texts: CertInputs) -> Entered {
        Entered {
            texts,
            ..Entered::default()
        }
    }

    pub fn texts(&self) -> &CertInputs {
        &self.texts
    }

    /// Files that could not be loaded into an input (binary, empty), with the reason.
    pub fn refused(&self) -> &[(CertInput, String)] {
        &self.refused
    }

    /// Files an imported settings file named by path, with the path as shown.
    pub fn wanted(&self) -> &[(CertInput, String)] {
        &self.wanted
    }

    /// Change the texts. The notes about an input whose text changed are forgotten: a refusal or
    /// a request was about the text it stood beside. Returns the inputs that changed.
    pub fn change(&mut self, change: impl FnOnce(&mut CertInputs)) -> Vec<CertInput> {
        let before = self.texts.clone();
        change(&mut self.texts);
        let changed: Vec<CertInput> = CertInput::ALL
            .into_iter()
            .filter(|&i| before[i] != self.texts[i])
            .collect();
        self.refused.retain(|(i, _)| !changed.contains(i));
        self.wanted.retain(|(i, _)| !changed.contains(i));
        changed
    }

    /// Files loaded into `input` at once (a drop, the file picker): `text`, the files that could
    /// be read (none: the input keeps its text), and why each of the others was refused. The
    /// refusals replace the input's earlier ones and stand beside the new text: they are about
    /// this very load, so the text that came with them does not forget them.
    pub fn load(&mut self, input: CertInput, text: Option<String>, refused: Vec<String>) {
        if let Some(text) = text {
            self.change(|t| t[input] = text);
        }
        if !refused.is_empty() {
            self.refused.retain(|(i, _)| *i != input);
            self.refused
                .extend(refused.into_iter().map(|why| (input, why)));
        }
    }

    /// The files an imported settings file named by path (for the inputs it left empty): they
    /// replace any earlier list.
    pub fn want(&mut self, wanted: Notes) {
        self.wanted = wanted;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PEM: &str = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";

    fn refused(e: &Entered) -> Vec<(CertInput, &str)> {
        e.refused().iter().map(|(i, w)| (*i, w.as_str())).collect()
    }

    /// Issue 25's first kept bug: one drop of a usable file and a refused one kept the text and
    /// lost the refusal, since the refusal was noted before the text changed.
    #[test]
    fn a_drop_of_a_usable_and_a_refused_file_keeps_both() {
        let mut e = Entered::default();
        e.load(
            CertInput::GatewayCa,
            Some(PEM.to_owned()),
            vec!["The file bundle.p12 is binary.".to_owned()],
        );
        assert_eq!(e.texts()[CertInput::GatewayCa], PEM);
        assert_eq!(
            refused(&e),
            [(CertInput::GatewayCa, "The file bundle.p12 is binary.")]
        );
        // The next change of that input's text forgets it; another input's text does not.
        e.change(|t| t[CertInput::NlbCert] = PEM.to_owned());
        assert_eq!(refused(&e).len(), 1, "another input changed");
        e.change(|t| t[CertInput::GatewayCa] = String::new());
        assert!(e.refused().is_empty(), "its own text changed");
    }

    #[test]
    fn a_load_replaces_the_inputs_earlier_refusals_only_when_it_refuses() {
        let mut e = Entered::default();
        e.load(
            CertInput::NlbKey,
            None,
            vec!["a.p12".into(), "b.p12".into()],
        );
        e.load(CertInput::ClientCa, None, vec!["c.p12".into()]);
        e.load(CertInput::NlbKey, None, vec!["d.p12".into()]);
        assert_eq!(
            refused(&e),
            [(CertInput::ClientCa, "c.p12"), (CertInput::NlbKey, "d.p12")]
        );
        // A load of usable files only: the new text forgets the refusal, as any edit does.
        e.load(CertInput::NlbKey, Some(PEM.to_owned()), Vec::new());
        assert_eq!(refused(&e), [(CertInput::ClientCa, "c.p12")]);
        // The same text again changes nothing, so nothing is forgotten.
        e.load(CertInput::ClientCa, Some(String::new()), Vec::new());
        assert_eq!(refused(&e), [(CertInput::ClientCa, "c.p12")]);
    }

    #[test]
    fn a_wanted_file_is_forgotten_once_its_input_is_filled() {
        let mut e = Entered::default();
        e.want(vec![
            (CertInput::NlbCert, "nlb.crt".into()),
            (CertInput::NlbKey, "nlb.key".into()),
        ]);
        let changed = e.change(|t| t[CertInput::NlbCert] = PEM.to_owned());
        assert_eq!(changed, [CertInput::NlbCert]);
        assert_eq!(e.wanted(), [(CertInput::NlbKey, "nlb.key".to_owned())]);
        assert!(Entered::new(CertInputs::default()).wanted().is_empty());
    }
}
