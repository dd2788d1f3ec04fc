//! What comes along when a value is copied from a browser or a terminal (issue 27, point 5):
//! white space around it, which is trimmed with a note, and a URL's scheme, trailing slash or
//! path around a host or name, which is named by its cause and the bare value offered as the
//! fix. Nothing else about a value is ever changed.

use super::{Field, Settings};
use crate::finding::{Code, Finding};

/// The settings with the white space around each single-line field removed, and a
/// `value-trimmed` note for each field that had some (a value that is only white space becomes
/// empty: its field then says it is required). Key material is left alone: it is refused as it
/// is, never echoed.
pub fn trim_fields(s: &Settings) -> (Settings, Vec<Finding>) {
    let mut out = s.clone();
    let mut notes = Vec::new();
    for field in Field::TEXT {
        let Some(value) = out.text_mut(field) else {
            continue;
        };
        let trimmed = value.trim();
        if trimmed.len() == value.len() || crate::text::looks_like_key_material(value) {
            continue;
        }
        let trimmed = trimmed.to_owned();
        if !trimmed.is_empty() {
            notes.push(Finding::info(
                Code::ValueTrimmed,
                format!(
                    "{} had white space around it: the bundle uses the value without it",
                    field.label()
                ),
                Some(field.into()),
            ));
        }
        *value = trimmed;
    }
    (out, notes)
}

/// A value of a host or name field wrapped in URL decorations: what they are, in words, and
/// the bare value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decorated {
    /// E.g. `starts with the scheme "https://" and ends with a slash`.
    pub causes: String,
    pub bare: String,
    /// Whether `bare` is surely the value meant: not when a path was cut from a name that is
    /// not a host (`https://cloud.ibm.com/my-secret` is no secret named `cloud.ibm.com`).
    pub sure: bool,
}

/// The `input-invalid` error for a decorated value of `field`, named by its causes, with the
/// bare value as the fix when it is surely meant and `rule` (the field's grammar) takes it.
pub(super) fn finding(
    field: Field,
    value: &str,
    rule: fn(&str) -> Option<String>,
) -> Option<Finding> {
    let d = decorations(field, value)?;
    let what = if is_host(field) {
        "the host name"
    } else {
        "the name"
    };
    let f = Finding::error(
        Code::InputInvalid,
        format!(
            "{} {}: type {what} only, {}",
            field.label(),
            d.causes,
            crate::text::quoted(&d.bare, 80)
        ),
        Some(field.into()),
    );
    Some(if d.sure && rule(&d.bare).is_none() {
        f.suggesting(d.bare)
    } else {
        f
    })
}

/// The fields that hold a host name or address, where a pasted URL's host is the value meant.
fn is_host(field: Field) -> bool {
    matches!(
        field,
        Field::NlbDomain | Field::AlbDomain | Field::LbHost | Field::IngressIp
    )
}

/// The URL decorations around `value` in a host or name field (not the path, whose slashes
/// are its own): a scheme (`https://`), a path after the host, a trailing slash. `None` when
/// there are none.
pub fn decorations(field: Field, value: &str) -> Option<Decorated> {
    if field == Field::Path {
        return None;
    }
    let mut causes = Vec::new();
    let mut rest = value;
    let mut sure = true;
    if let Some((scheme, after)) = value.split_once("://")
        && !scheme.is_empty()
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    {
        causes.push(format!(
            "starts with the scheme \"{}://\"",
            crate::text::excerpt(scheme, 16)
        ));
        rest = after;
    }
    let without_slash = rest.trim_end_matches('/');
    let trailing = without_slash.len() != rest.len();
    rest = without_slash;
    if let Some((host, path)) = rest.split_once('/') {
        causes.push(format!(
            "has the path \"/{}\" after the name",
            crate::text::excerpt(path, 32)
        ));
        rest = host;
        sure = is_host(field);
    }
    if trailing {
        causes.push("ends with a slash".to_owned());
    }
    // An IP address with only a path after it is a CIDR block, not a pasted URL: the field's
    // own rule says what it needs.
    let cidr = field == Field::IngressIp
        && causes.len() == 1
        && !trailing
        && rest.len() < value.len()
        && !value.contains("://");
    if causes.is_empty() || rest.is_empty() || cidr {
        return None;
    }
    Some(Decorated {
        causes: causes.join(" and "),
        bare: rest.to_owned(),
        sure,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decorations_are_named_by_cause() {
        const CASES: &[(&str, Option<(&str, &str)>)] = &[
            ("gw.example.com", None),
            (
                "https://gw.example.com/",
                Some((
                    "starts with the scheme \"https://\" and ends with a slash",
                    "gw.example.com",
                )),
            ),
            (
                "http://gw.example.com",
                Some(("starts with the scheme \"http://\"", "gw.example.com")),
            ),
            (
                "gw.example.com/",
                Some(("ends with a slash", "gw.example.com")),
            ),
            (
                "https://gw.example.com/status/",
                Some((
                    "starts with the scheme \"https://\" and has the path \"/status\" after \
                     the name and ends with a slash",
                    "gw.example.com",
                )),
            ),
            ("https://", None),
            ("/", None),
        ];
        for (value, want) in CASES {
            let got = decorations(Field::NlbDomain, value).map(|d| (d.causes, d.bare));
            assert!(decorations(Field::NlbDomain, value).is_none_or(|d| d.sure));
            let want = want.map(|(c, b)| (c.to_owned(), b.to_owned()));
            assert_eq!(got, want, "{value:?}");
        }
        assert_eq!(decorations(Field::Path, "/status/"), None);
        assert_eq!(
            decorations(Field::IngressIp, "10.0.0.1/32"),
            None,
            "a CIDR block"
        );
        let secret = decorations(Field::NlbSecret, "https://cloud.ibm.com/my-secret").expect("");
        assert!(!secret.sure, "the host of a URL is no secret name");
        assert!(decorations(Field::IngressIp, "https://10.0.0.1/").is_some());
    }

    #[test]
    fn white_space_around_is_trimmed_and_said_nothing_else_changes() {
        let s = Settings {
            cluster_name: " mycluster\t".into(),
            nlb_domain: "https://gw.example.com/".into(),
            alb_secret: "   ".into(),
            ..Settings::default()
        };
        let (t, notes) = trim_fields(&s);
        assert_eq!(t.cluster_name, "mycluster");
        assert_eq!(
            t.nlb_domain, s.nlb_domain,
            "decorations are named, not removed"
        );
        assert_eq!(t.alb_secret, "");
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(notes[0].is_about(Field::ClusterName));
        assert_eq!(notes[0].code, Code::ValueTrimmed);
        let (same, none) = trim_fields(&t);
        assert_eq!((same, none), (t, vec![]));
    }
}
