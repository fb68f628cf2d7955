//! A throwaway PostgreSQL cluster for a test: `initdb` into a temporary directory, the
//! server on a free port of 127.0.0.1, stopped and removed when dropped. Debian's
//! `postgresql` package provides the binaries (scripts/setup.sh installs it). As root
//! (CI, the sessions here) the cluster runs as the `postgres` user, which `initdb`
//! requires, in a directory under /tmp that user can reach.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A running cluster with an empty database `indexer`.
pub struct Postgres {
    dir: PathBuf,
    bin: PathBuf,
    as_root: bool,
    /// The database's URL.
    pub url: String,
}

/// The newest installed PostgreSQL's binaries.
fn binaries() -> Option<PathBuf> {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let version = entry.file_name().to_str()?.parse().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin)
}

fn run(command: &mut Command, what: &str) {
    let output = command.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(
        output.status.success(),
        "{what} failed: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

impl Postgres {
    /// Starts a cluster, or returns `None` when PostgreSQL is not installed (outside CI:
    /// with `CI` set its absence fails the test).
    pub fn start() -> Option<Self> {
        let Some(bin) = binaries() else {
            assert!(
                std::env::var_os("CI").is_none(),
                "PostgreSQL is not installed (scripts/setup.sh installs it)"
            );
            eprintln!("PostgreSQL is not installed: the PostgreSQL case is skipped");
            return None;
        };
        let uid = Command::new("id").arg("-u").output().expect("id -u");
        let as_root = String::from_utf8_lossy(&uid.stdout).trim() == "0";
        let dir = std::env::temp_dir().join(format!(
            "indexer-pg-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0)
        ));
        std::fs::create_dir_all(&dir).expect("cluster directory");
        if as_root {
            run(
                Command::new("chown").arg("postgres:").arg(&dir),
                "chown the cluster directory",
            );
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|listener| listener.local_addr())
            .expect("a free port")
            .port();
        let cluster = Self {
            dir: dir.clone(),
            bin,
            as_root,
            url: format!("postgres://indexer@127.0.0.1:{port}/indexer"),
        };
        run(
            cluster.command("initdb").args([
                "-D",
                &cluster.data(),
                "-A",
                "trust",
                "-U",
                "indexer",
                "-E",
                "UTF8",
                "--no-sync",
            ]),
            "initdb",
        );
        let options = format!(
            "-k {} -p {port} -c listen_addresses=127.0.0.1 -c fsync=off",
            dir.display()
        );
        run(
            cluster.command("pg_ctl").args([
                "-D",
                &cluster.data(),
                "-w",
                "-l",
                &dir.join("log").display().to_string(),
                "-o",
                &options,
                "start",
            ]),
            "pg_ctl start",
        );
        run(
            Command::new(cluster.bin.join("psql")).args([
                "-h",
                "127.0.0.1",
                "-p",
                &port.to_string(),
                "-U",
                "indexer",
                "-d",
                "postgres",
                "-q",
                "-c",
                "CREATE DATABASE indexer",
            ]),
            "create the database",
        );
        Some(cluster)
    }

    fn data(&self) -> String {
        self.dir.join("data").display().to_string()
    }

    fn command(&self, program: &str) -> Command {
        let path = self.bin.join(program);
        if self.as_root {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(path);
            command
        } else {
            Command::new(path)
        }
    }

    /// The cluster's directory.
    #[allow(dead_code)]
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let _ = self
            .command("pg_ctl")
            .args(["-D", &self.data(), "-w", "stop", "-m", "immediate"])
            .output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
