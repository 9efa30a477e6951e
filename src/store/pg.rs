//! What only PostgreSQL needs: reaching the server named by a connection string (or by
//! the standard `PG*` variables), over TLS where the server offers it, taking the
//! ledger's write lock, and saying its errors on one line.

use std::sync::Arc;

use postgres::config::SslMode;
use postgres::{Config, NoTls};

use super::sql::{args, Conn, PgConn};
use super::StoreError;

/// Whether `target` (a `--db` value) names a PostgreSQL database rather than a file.
pub fn is_url(target: &str) -> bool {
    ["postgres:", "postgresql:"]
        .iter()
        .any(|p| target.len() >= p.len() && target[..p.len()].eq_ignore_ascii_case(p))
}

/// The standard variable `name`, if set and not empty.
fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// The connection settings of `target` and how to protect the connection: a `postgres://` URL, with what it leaves out
/// taken from `PGHOST`, `PGPORT`, `PGUSER`, `PGPASSWORD`, `PGDATABASE` and `PGOPTIONS`
/// as libpq would; `postgres:` alone takes them all from there.
/// How a connection is protected, as libpq's `sslmode` names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tls {
    /// `disable`: never.
    Off,
    /// `prefer` (the default) or `require`: encrypted (required or when the server offers
    /// it), the server's certificate taken as it is, as libpq does in these modes.
    Encrypt { required: bool },
    /// `verify-ca` or `verify-full`: encrypted, and the server must prove its name with a
    /// certificate from `roots` (a PEM file, `sslrootcert`) or from the public
    /// authorities (webpki-roots). Both check the name, as `verify-full` does.
    Verify { roots: Option<std::path::PathBuf> },
}

/// Takes `sslmode` and `sslrootcert` out of a URL's query (the client library knows
/// neither `verify-*` nor `sslrootcert`); what is left, and the two values.
fn take_tls_params(target: &str) -> (String, Option<String>, Option<String>) {
    let Some((base, query)) = target.split_once('?') else {
        return (target.to_string(), None, None);
    };
    let (mut mode, mut roots) = (None, None);
    let mut kept = Vec::new();
    // A URL's values are percent-encoded (`sslrootcert=%2Fetc%2Fca.pem`), as the client
    // library decodes the parameters it keeps.
    let decoded = |v: &str| {
        percent_encoding::percent_decode_str(v)
            .decode_utf8_lossy()
            .into_owned()
    };
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        match pair.split_once('=') {
            Some(("sslmode", v)) => mode = Some(decoded(v)),
            Some(("sslrootcert", v)) => roots = Some(decoded(v)),
            _ => kept.push(pair),
        }
    }
    let rest = if kept.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    (rest, mode, roots)
}

fn config_and_tls(target: &str) -> Result<(Config, Tls), StoreError> {
    let (target_rest, mode, roots) = take_tls_params(target);
    // The name the mode was given under, for an error about it.
    let (mode, mode_from) = match mode {
        Some(m) => (Some(m), "sslmode"),
        None => (env("PGSSLMODE"), "PGSSLMODE"),
    };
    let roots = roots.or_else(|| env("PGSSLROOTCERT"));
    let tls = match mode.as_deref().unwrap_or("prefer") {
        "disable" => Tls::Off,
        "allow" | "prefer" => Tls::Encrypt { required: false },
        "require" => Tls::Encrypt { required: true },
        "verify-ca" | "verify-full" => Tls::Verify {
            roots: roots.map(std::path::PathBuf::from),
        },
        other => {
            return Err(StoreError::Open {
                path: shown(target),
                message: format!(
                    "{mode_from}: '{other}' is not a mode; expected disable, prefer, require, verify-ca or verify-full"
                ),
            })
        }
    };
    let target = target_rest.as_str();
    let bare = target.trim_end_matches('/');
    let mut config = if bare.eq_ignore_ascii_case("postgres:")
        || bare.eq_ignore_ascii_case("postgresql:")
    {
        Config::new()
    } else {
        target.parse::<Config>().map_err(|e| StoreError::Open {
            path: shown(target),
            message: format!(
                "not a PostgreSQL connection string ({}); expected postgres://USER@HOST:PORT/DATABASE or postgres: with the PG* variables",
                message(&e)
            ),
        })?
    };
    if config.get_hosts().is_empty() {
        let host = env("PGHOST").unwrap_or_else(|| {
            if std::path::Path::new("/var/run/postgresql").is_dir() {
                "/var/run/postgresql".to_string()
            } else {
                "localhost".to_string()
            }
        });
        for h in host.split(',') {
            config.host(h);
        }
    }
    if config.get_ports().is_empty() {
        if let Some(port) = env("PGPORT") {
            let port = port.parse::<u16>().map_err(|_| StoreError::Open {
                path: shown(target),
                message: format!("PGPORT: '{port}' is not a port number (1-65535)"),
            })?;
            config.port(port);
        }
    }
    if config.get_user().is_none() {
        let user = env("PGUSER")
            .or_else(|| env("USER"))
            .or_else(|| env("LOGNAME"))
            .ok_or_else(|| StoreError::Open {
                path: shown(target),
                message: "no user named: put one in the URL (postgres://USER@HOST/DATABASE) or set PGUSER".into(),
            })?;
        config.user(&user);
    }
    if config.get_password().is_none() {
        if let Some(pw) = env("PGPASSWORD") {
            config.password(pw);
        }
    }
    if config.get_dbname().is_none() {
        if let Some(db) = env("PGDATABASE") {
            config.dbname(&db);
        }
    }
    if config.get_options().is_none() {
        if let Some(options) = env("PGOPTIONS") {
            config.options(&options);
        }
    }
    if config.get_application_name().is_none() {
        config.application_name("hindsight");
    }
    config.ssl_mode(match tls {
        Tls::Off => SslMode::Disable,
        Tls::Encrypt { required: false } => SslMode::Prefer,
        Tls::Encrypt { required: true } | Tls::Verify { .. } => SslMode::Require,
    });
    Ok((config, tls))
}

/// `target` as messages show it: without a password.
pub fn shown(target: &str) -> String {
    let (base, query) = match target.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (target, None),
    };
    let mut out = match (base.find("://"), base.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => match base[scheme + 3..at].split_once(':') {
            Some((user, _)) => format!("{}{user}:***{}", &base[..scheme + 3], &base[at..]),
            None => base.to_string(),
        },
        _ => base.to_string(),
    };
    if let Some(query) = query {
        let pairs: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some(("password", _)) => "password=***".to_string(),
                _ => pair.to_string(),
            })
            .collect();
        out.push('?');
        out.push_str(&pairs.join("&"));
    }
    out
}

/// Connects to the database `target` names.
pub fn connect(target: &str) -> Result<PgConn, StoreError> {
    let (config, tls) = config_and_tls(target)?;
    let cannot = |message: String| StoreError::Open {
        path: shown(target),
        message,
    };
    let client = match tls {
        Tls::Off => config.connect(NoTls),
        Tls::Encrypt { .. } => config.connect(tls_connector(None, false).map_err(cannot)?),
        Tls::Verify { roots } => config.connect(tls_connector(roots, true).map_err(cannot)?),
    }
    .map_err(|e| cannot(format!("cannot connect: {}", message(&e))))?;
    Ok(PgConn::new(client))
}

/// The TLS client: checking the server's certificate against `roots` (or the public
/// authorities) when `verify`, else accepting whatever certificate it shows.
fn tls_connector(
    roots: Option<std::path::PathBuf>,
    verify: bool,
) -> Result<tokio_postgres_rustls::MakeRustlsConnect, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS: {e}"))?;
    let config = if verify {
        let mut store = rustls::RootCertStore::empty();
        match roots {
            Some(path) => {
                use rustls_pki_types::pem::PemObject;
                let shown = path.display().to_string();
                let certs = rustls_pki_types::CertificateDer::pem_file_iter(&path)
                    .map_err(|e| format!("sslrootcert: cannot read '{shown}': {e}"))?;
                for cert in certs {
                    let cert = cert.map_err(|e| format!("sslrootcert: '{shown}': {e}"))?;
                    store
                        .add(cert)
                        .map_err(|e| format!("sslrootcert: '{shown}': {e}"))?;
                }
                if store.is_empty() {
                    return Err(format!(
                        "sslrootcert: '{shown}' holds no certificate; expected a PEM file"
                    ));
                }
            }
            None => store.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
        }
        builder.with_root_certificates(store).with_no_client_auth()
    } else {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AnyCertificate(provider)))
            .with_no_client_auth()
    };
    Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
}

/// Takes any certificate the server shows (libpq's `prefer` and `require`): the
/// connection is encrypted, but a server in the middle is not ruled out. The handshake's
/// signatures are still checked, so the certificate's key must be the server's.
#[derive(Debug)]
struct AnyCertificate(Arc<rustls::crypto::CryptoProvider>);

impl rustls::client::danger::ServerCertVerifier for AnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &rustls_pki_types::CertificateDer<'_>,
        _intermediates: &[rustls_pki_types::CertificateDer<'_>],
        _server_name: &rustls_pki_types::ServerName<'_>,
        _ocsp_response: &[u8],
        _now: rustls_pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        Ok(rustls::client::danger::ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &rustls_pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &rustls_pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// The key of the ledger's advisory lock: one number for hindsight, and the object id of
/// the ledger's `events` table, so that ledgers in different schemas of one database do
/// not wait for each other.
const LOCK_CLASS: i32 = i32::from_be_bytes(*b"hind");

/// The key of the lock an upgrade of the schema holds (with 0: before the tables exist).
pub const MIGRATION_LOCK: i32 = i32::from_be_bytes(*b"hinm");

/// Starts a write transaction and takes the ledger's write lock, waiting for the writer
/// that holds it. The lock is held until the transaction ends, so appends to the history
/// from several machines come one after another, each reading the head the last one left.
/// It is an advisory lock, which a role that may only insert can take, unlike a row lock.
pub fn begin_write(conn: &PgConn) -> Result<(), StoreError> {
    conn.begin("BEGIN ISOLATION LEVEL READ COMMITTED")?;
    let c = Conn::Pg(conn);
    let key = "CAST(?1 AS integer), CAST(CAST(CAST('events' AS regclass) AS oid) AS integer)";
    let locked = c
        .one(
            &format!("SELECT pg_try_advisory_xact_lock({key})"),
            args![LOCK_CLASS],
            |r| r.get::<bool>(0),
        )
        .and_then(|got| {
            if got {
                return Ok(());
            }
            // Another writer (perhaps a long import) holds it: say so, then wait.
            use std::io::Write;
            let _ = writeln!(
                std::io::stderr(),
                "waiting for another writer on the ledger to finish…"
            );
            c.one(
                &format!("SELECT pg_advisory_xact_lock({key})"),
                args![LOCK_CLASS],
                |_| Ok(()),
            )
        });
    locked.inspect_err(|_| {
        let _ = c.end("ROLLBACK");
    })
}

/// A PostgreSQL error on one line: the server's message and its SQLSTATE, or the client's
/// description of what failed.
pub fn message(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => {
            let mut m = format!("{} (SQLSTATE {})", db.message(), db.code().code());
            if let Some(detail) = db.detail() {
                m.push_str(": ");
                m.push_str(detail);
            }
            m.replace('\n', " ")
        }
        None => {
            let mut m = e.to_string();
            let mut source = std::error::Error::source(e);
            while let Some(s) = source {
                m.push_str(": ");
                m.push_str(&s.to_string());
                source = s.source();
            }
            m.replace('\n', " ")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::sql::Conn;
    use super::*;

    #[test]
    fn urls_are_told_from_paths() {
        assert!(is_url("postgres://me@host/db"));
        assert!(is_url("postgresql://host/db"));
        assert!(is_url("postgres:"));
        assert!(is_url("POSTGRES://host/db"));
        assert!(!is_url("postgres.db"));
        assert!(!is_url("./postgres:x"));
    }

    #[test]
    fn tls_settings_are_read_from_the_url_as_libpq_names_them() {
        let (rest, mode, roots) =
            take_tls_params("postgres://me@h/db?sslmode=verify-full&options=x&sslrootcert=/ca.pem");
        assert_eq!(rest, "postgres://me@h/db?options=x");
        assert_eq!(mode.as_deref(), Some("verify-full"));
        assert_eq!(roots.as_deref(), Some("/ca.pem"));
        assert_eq!(
            take_tls_params("postgres://me@h/db").0,
            "postgres://me@h/db"
        );
        // Percent-encoded, as in any URL.
        let (_, mode, roots) = take_tls_params(
            "postgres://me@h/db?sslrootcert=%2Fetc%2Fmy%20ca.pem&sslmode=verify%2Dfull",
        );
        assert_eq!(roots.as_deref(), Some("/etc/my ca.pem"));
        assert_eq!(mode.as_deref(), Some("verify-full"));
        let (_, tls) = config_and_tls("postgres://me@h/db?sslmode=verify-ca&sslrootcert=/ca.pem")
            .expect("parses");
        assert_eq!(
            tls,
            Tls::Verify {
                roots: Some("/ca.pem".into())
            }
        );
        let (_, tls) = config_and_tls("postgres://me@h/db?sslmode=disable").expect("parses");
        assert_eq!(tls, Tls::Off);
        let err = config_and_tls("postgres://me@h/db?sslmode=sometimes").expect_err("refused");
        assert!(err.to_string().contains("sslmode: 'sometimes'"), "{err}");
    }

    /// The test server (`HINDSIGHT_TEST_PG`) when it offers TLS.
    fn tls_server() -> Option<String> {
        let base = std::env::var("HINDSIGHT_TEST_PG")
            .ok()
            .filter(|v| !v.is_empty());
        use std::io::Write;
        let Some(base) = base else {
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED TLS tests: HINDSIGHT_TEST_PG is not set"
            );
            return None;
        };
        let mut plain = postgres::Client::connect(&base, NoTls).expect("the test server");
        let on: String = plain.query_one("SHOW ssl", &[]).expect("SHOW ssl").get(0);
        if on != "on" {
            let _ = writeln!(
                std::io::stderr(),
                "SKIPPED TLS tests: the test server has TLS off"
            );
            return None;
        }
        if let Ok(log) = std::env::var("HINDSIGHT_TEST_PG_LOG") {
            if let Ok(mut f) = std::fs::OpenOptions::new()
                .append(true)
                .create(true)
                .open(log)
            {
                let _ = writeln!(f, "postgres store::pg TLS");
            }
        }
        Some(base)
    }

    fn with(base: &str, params: &str) -> String {
        let sep = if base.contains('?') { '&' } else { '?' };
        format!("{base}{sep}{params}")
    }

    #[test]
    fn connections_are_encrypted_where_the_server_offers_it() {
        let Some(base) = tls_server() else { return };
        for params in ["sslmode=require", "sslmode=prefer"] {
            let conn = connect(&with(&base, params)).expect("connects");
            let ssl = Conn::Pg(&conn)
                .one(
                    "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
                    args![],
                    |r| r.get::<bool>(0),
                )
                .expect("pg_stat_ssl");
            assert!(ssl, "{params}: not encrypted");
        }
        let conn = connect(&with(&base, "sslmode=disable")).expect("connects");
        let ssl = Conn::Pg(&conn)
            .one(
                "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
                args![],
                |r| r.get::<bool>(0),
            )
            .expect("pg_stat_ssl");
        assert!(!ssl, "disable: encrypted");
    }

    #[test]
    fn verify_full_refuses_a_certificate_no_authority_signed() {
        let Some(base) = tls_server() else { return };
        // The test server's certificate is its own (a self-signed one, as Debian makes).
        let err = connect(&with(&base, "sslmode=verify-full"))
            .err()
            .expect("refused");
        let text = err.to_string();
        assert!(text.contains("certificate"), "{text}");
        assert_eq!(text.lines().count(), 1, "{text}");
        let err = connect(&with(
            &base,
            "sslmode=verify-full&sslrootcert=/nonexistent.pem",
        ))
        .err()
        .expect("refused");
        assert!(err.to_string().contains("sslrootcert"), "{err}");
    }

    #[test]
    fn passwords_are_not_shown() {
        assert_eq!(
            shown("postgres://me:secret@host/db"),
            "postgres://me:***@host/db"
        );
        assert_eq!(shown("postgres://me@host/db"), "postgres://me@host/db");
        assert_eq!(shown("postgres:"), "postgres:");
        assert_eq!(
            shown("postgres://me@host/db?sslmode=require&password=secret"),
            "postgres://me@host/db?sslmode=require&password=***"
        );
    }
}
