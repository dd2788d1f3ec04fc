//! The native command line, `istio-alb`. Every subcommand is a thin shell over the pure core.
//!
//! Exit codes: 0 success / valid, 1 invalid (errors found), 2 the input could not be used.

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

mod bundle;
mod ca;
mod check;
mod example;
mod files;
mod inspect;
mod verify;

#[derive(Debug, Parser)]
#[command(
    name = "istio-alb",
    version,
    about = "Check certificates and generate the Istio + IBM Cloud ALB/NLB mutual-TLS bundle"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum Format {
    #[default]
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Usage {
    Server,
    Client,
}

/// Whose rules `verify` applies besides OpenSSL's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum VerifierArg {
    /// OpenSSL's only (an NGINX ALB verifying the gateway).
    Openssl,
    /// Go's crypto/x509 too (a Traefik ALB verifying the gateway).
    Go,
    /// BoringSSL's too (the gateway, Envoy, verifying the ALB's client certificate).
    Boringssl,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print a summary of every certificate in a PEM file.
    Inspect {
        file: PathBuf,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
        /// Time to compute days left at (RFC 3339); default: now.
        #[arg(long)]
        at: Option<String>,
    },
    /// Verify a certificate chain against trust anchors.
    Verify {
        #[arg(long)]
        leaf: PathBuf,
        #[arg(long)]
        intermediates: Option<PathBuf>,
        #[arg(long)]
        roots: PathBuf,
        /// Host name or IP address the leaf must cover.
        #[arg(long)]
        name: Option<String>,
        #[arg(long, value_enum)]
        usage: Option<Usage>,
        /// Whose rules apply besides OpenSSL's; default: boringssl with --usage client (the
        /// gateway verifies client certificates), else openssl.
        #[arg(long, value_enum)]
        verifier: Option<VerifierArg>,
        /// Validation time (RFC 3339); default: now.
        #[arg(long)]
        at: Option<String>,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Check a settings file and every certificate it names.
    Check {
        settings: PathBuf,
        #[arg(long)]
        at: Option<String>,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Write the bundle zip for a settings file.
    Bundle {
        settings: PathBuf,
        #[arg(long)]
        out: PathBuf,
        #[arg(long)]
        at: Option<String>,
        /// Write the bundle even when the checks found errors (they go into its README).
        #[arg(long)]
        force: bool,
    },
    /// Write a settings file with demo certificates into DIR.
    Example { dir: PathBuf },
    /// The private client CA for the ALB's client certificate (Let's Encrypt no longer issues
    /// certificates with clientAuth).
    #[command(subcommand)]
    Ca(CaCommand),
}

#[derive(Debug, Subcommand)]
pub enum CaCommand {
    /// Make a CA and its first ALB client certificate in DIR (never overwrites).
    Init {
        dir: PathBuf,
        /// Cluster name for the certificates' names.
        #[arg(long, default_value = "cluster")]
        cluster: String,
        /// Time the certificates start from (RFC 3339); default: now.
        #[arg(long)]
        at: Option<String>,
    },
    /// Issue a fresh ALB client certificate from the CA in DIR.
    Issue {
        dir: PathBuf,
        #[arg(long, default_value = "cluster")]
        cluster: String,
        /// Validity in days.
        #[arg(long, default_value_t = crate::ca::CLIENT_DAYS)]
        days: u32,
        #[arg(long)]
        at: Option<String>,
    },
}

/// Parse the arguments and run; returns the process exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Inspect { file, format, at } => inspect::run(&file, format, at.as_deref()),
        Command::Verify {
            leaf,
            intermediates,
            roots,
            name,
            usage,
            verifier,
            at,
            format,
        } => verify::run(&verify::Args {
            leaf,
            intermediates,
            roots,
            name,
            usage,
            verifier,
            at,
            format,
        }),
        Command::Check {
            settings,
            at,
            format,
        } => check::run(&settings, at.as_deref(), format),
        Command::Bundle {
            settings,
            out,
            at,
            force,
        } => bundle::run(&settings, &out, at.as_deref(), force),
        Command::Example { dir } => example::run(&dir),
        Command::Ca(CaCommand::Init { dir, cluster, at }) => {
            ca::init(&dir, &cluster, at.as_deref())
        }
        Command::Ca(CaCommand::Issue {
            dir,
            cluster,
            days,
            at,
        }) => ca::issue(&dir, &cluster, days, at.as_deref()),
    }
}

/// `--at` as Unix seconds, or now. The CLI is the only place that reads the clock.
pub(crate) fn at_or_now(at: Option<&str>) -> Result<i64, String> {
    match at {
        Some(s) => crate::rfc3339::parse(s).map_err(|e| format!("--at: {e}")),
        None => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
            .map_err(|e| format!("the system clock is before 1970: {e}")),
    }
}

/// Text for the terminal: every line with its control characters escaped, so nothing read from
/// a certificate or a file can move the cursor, recolour or retitle the terminal.
pub(crate) fn safe(text: impl std::fmt::Display) -> String {
    text.to_string()
        .split('\n')
        .map(crate::text::escape_controls)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Write a file, mode 0600 when it holds key material (0644 otherwise), whatever mode an
/// existing file had.
pub(crate) fn write_file(
    path: &std::path::Path,
    bytes: &[u8],
    secret: bool,
) -> std::io::Result<()> {
    use std::io::Write as _;
    use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
    let mode = if secret { 0o600 } else { 0o644 };
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(mode)
        .open(path)?;
    // An existing file keeps its mode on open: set it explicitly.
    f.set_permissions(std::fs::Permissions::from_mode(mode))?;
    f.write_all(bytes)
}

/// Error exit for unusable input: prints the message and returns exit code 2.
pub(crate) fn unusable(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("istio-alb: {}", safe(message));
    ExitCode::from(2)
}
