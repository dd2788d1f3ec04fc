//! The generated scripts run on macOS's bash 3.2 and BSD tools too: no bash-4-only construct and
//! no GNU-only flag where BSD differs. Reads the scripts of both profiles as text (shellcheck does
//! not know which bash the user has).
#![cfg(not(target_arch = "wasm32"))]

use istio_alb::bundle::Bundle;
use istio_alb::demo;
use istio_alb::settings::Profile;

const AT: i64 = 1_764_151_200;

/// (pattern, why): a regular-expression-free search, on each line without its comment.
const FORBIDDEN: &[(&str, &str)] = &[
    ("mapfile", "bash 4"),
    ("readarray", "bash 4"),
    ("declare -A", "associative arrays: bash 4"),
    ("local -A", "associative arrays: bash 4"),
    ("typeset -A", "associative arrays: bash 4"),
    ("declare -n", "namerefs: bash 4.3"),
    ("local -n", "namerefs: bash 4.3"),
    ("coproc", "bash 4"),
    ("&>>", "bash 4"),
    ("|&", "bash 4"),
    (";;&", "case fall-through: bash 4"),
    (";&", "case fall-through: bash 4"),
    (",,}", "case conversion: bash 4"),
    ("^^}", "case conversion: bash 4"),
    ("[-1]", "negative array index: bash 4.3"),
    ("${@@", "parameter transformation: bash 4.4"),
    ("wait -n", "bash 4.3"),
    ("read -N", "bash 4.1"),
    ("read -i", "bash 4"),
    ("EPOCHSECONDS", "bash 5"),
    ("EPOCHREALTIME", "bash 5"),
    ("globstar", "bash 4"),
    ("[[ -v", "bash 4.2"),
    ("printf -v", "kept out: bash 3.1+, but easy to get wrong"),
    ("sed -i", "GNU and BSD sed -i differ"),
    ("date -d", "GNU only"),
    ("date --", "GNU only"),
    (
        "base64 -d",
        "BSD base64 decodes with -D (use openssl base64 -d -A)",
    ),
    (
        "base64 --decode",
        "not on every BSD (use openssl base64 -d -A)",
    ),
    ("grep -P", "GNU only"),
    ("readlink -f", "not on older macOS"),
    ("xargs -r", "GNU only"),
    ("stat -c", "GNU only"),
    ("sort -V", "GNU only"),
    ("echo -e", "not portable"),
    ("gensub(", "gawk only"),
    ("strftime(", "gawk and mawk only"),
    ("systime(", "gawk and mawk only"),
    ("asort(", "gawk only"),
    ("mktemp -d)", "a template keeps BSD mktemp happy"),
];

#[test]
fn generated_scripts_use_no_bash4_or_gnu_only_construct() {
    let mut found = Vec::new();
    let mut scripts = 0;
    for profile in Profile::ALL {
        let plan = istio_alb::plan::plan(&demo::settings_for(profile), &demo::cert_inputs(), AT);
        for f in Bundle::of(&plan)
            .files
            .iter()
            .filter(|f| f.path.ends_with(".sh"))
        {
            scripts += 1;
            for (n, line) in f.text().lines().enumerate() {
                // Comments may name what they avoid.
                if line.trim_start().starts_with('#') {
                    continue;
                }
                // openssl's own base64 is the portable one.
                let code = line.replace("openssl base64", "openssl_b64");
                for (pattern, why) in FORBIDDEN {
                    if code.contains(pattern) {
                        found.push(format!(
                            "{profile} {}:{}: {pattern} ({why}): {line}",
                            f.path,
                            n + 1
                        ));
                    }
                }
            }
        }
    }
    assert_eq!(
        scripts, 14,
        "five scripts, lib.sh and settings.sh per profile"
    );
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// The patterns do find what they look for (a test that cannot fail proves nothing).
#[test]
fn the_search_finds_each_construct() {
    let samples = [
        "mapfile -t lines <f",
        "declare -A map",
        "echo ${x,,}",
        "cmd &>>log",
        "a |& b",
        "sed -i s/a/b/ f",
        "printf x | base64 -d",
        "date -d yesterday",
        "echo ${arr[-1]}",
    ];
    for s in samples {
        assert!(FORBIDDEN.iter().any(|(p, _)| s.contains(p)), "{s}");
    }
}
