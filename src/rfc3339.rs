//! The one RFC 3339 formatter and parser: certificate summaries, the bundle's check time, the
//! README and the CLI's `--at` all go through here. Times are Unix seconds, UTC.

/// `at` as RFC 3339 UTC (`2026-11-26T10:00:00Z`); out-of-range times print as `@<seconds>`.
pub fn format(at: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(at)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| format!("@{at}"))
}

/// Parse an RFC 3339 time (as `--at` takes it) to Unix seconds.
pub fn parse(s: &str) -> Result<i64, String> {
    time::OffsetDateTime::parse(s.trim(), &time::format_description::well_known::Rfc3339)
        .map(|t| t.unix_timestamp())
        .map_err(|e| {
            let shown: String = s.chars().take(40).flat_map(char::escape_default).collect();
            format!("\"{shown}\" is not an RFC 3339 time like 2026-01-31T12:00:00Z ({e})")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let cases: &[(&str, Option<i64>)] = &[
            ("1970-01-01T00:00:00Z", Some(0)),
            ("2021-09-30T14:01:15Z", Some(1_633_010_475)),
            ("2021-09-30T16:01:15+02:00", Some(1_633_010_475)),
            ("2021-09-30", None),
            ("yesterday", None),
        ];
        for (s, want) in cases {
            assert_eq!(parse(s).ok(), *want, "{s}");
        }
        assert_eq!(format(1_633_010_475), "2021-09-30T14:01:15Z");
        assert_eq!(format(1_764_151_200), "2025-11-26T10:00:00Z");
        assert_eq!(format(i64::MAX), format!("@{}", i64::MAX));
    }
}
