//! The settings parser (`Settings::from_yaml`, serde_yaml), then what is done with settings that
//! parse: validation, resolving the certificate entries, and export. Beyond "no panic": the
//! exported YAML (the page's download, the bundle's settings.yaml) reads back to equal settings.
#![no_main]

use istio_alb::settings::{Settings, validate};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let Ok(settings) = Settings::from_yaml(&text) else {
        return;
    };
    let _ = validate(&settings);
    let _ = settings.cert_inputs(|path| Err(format!("no file {path} here")));
    let yaml = settings.to_yaml();
    let back = Settings::from_yaml(&yaml).expect("exported settings read back");
    assert_eq!(back, settings, "export round trip through\n{yaml}");
});
