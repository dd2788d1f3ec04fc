//! The project README's settings reference names every setting, certificate input and choice
//! value the code knows: a field added without documentation fails here.
#![cfg(not(target_arch = "wasm32"))]

use istio_alb::inputs::CertInput;
use istio_alb::settings::{Field, options};

fn reference() -> String {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md");
    let start = readme
        .find("## Settings reference")
        .expect("a Settings reference section");
    let rest = &readme[start + 3..];
    let end = rest.find("\n## ").map_or(rest.len(), |i| i);
    rest[..end].to_owned()
}

#[test]
fn the_settings_reference_covers_every_field_input_and_choice() {
    let text = reference();
    for field in Field::ALL {
        assert!(
            text.contains(&format!("`{}`", field.name())),
            "README's settings reference does not name `{}`",
            field.name()
        );
        for choice in options(field) {
            assert!(
                text.contains(&format!("`{}`", choice.value)),
                "README's settings reference does not name {} `{}`",
                field.name(),
                choice.value
            );
        }
    }
    for input in CertInput::ALL {
        assert!(
            text.contains(input.name()),
            "README's settings reference does not name certificates.{}",
            input.name()
        );
    }
}
