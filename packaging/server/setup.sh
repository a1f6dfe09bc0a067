#!/usr/bin/env bash
# Sets up the Dostyq central server on a bare Debian 12: PostgreSQL, the app in a venv, the systemd service, the
# nightly backup timer and nginx with TLS in front. Run as root from the source tree:
#
#   sudo bash packaging/server/setup.sh --domain sync.example.kz [--cert FULLCHAIN --key PRIVKEY]
#
# Running it again changes nothing: the role, database, password, certificate and env file are kept.
# The options after --help let the test suite run it against an existing cluster on a machine without containers.
set -euo pipefail

usage() {
  cat <<'EOF'
usage: setup.sh --domain NAME [options]
  --domain NAME        server name for nginx (and the self-signed certificate)
  --cert FILE          TLS certificate (full chain); with --key. Without them a self-signed one is made
  --key FILE           TLS private key
  --db-name NAME       PostgreSQL role and database name (default dostyq)
  --db-host HOST       host in DOSTYQ_DATABASE_URL (default 127.0.0.1)
  --db-port PORT       port in DOSTYQ_DATABASE_URL (default 5432)
  --pg-admin-url URL   connect to an existing cluster as a superuser (default: runuser -u postgres psql)
  --venv DIR           use this existing venv with dostyq installed (default: install into /opt/dostyq/venv)
  --port PORT          loopback port of the app (default 8765)
  --root DIR           write every path under DIR; implies --skip-packages --skip-systemd, no user, no nginx -t
  --skip-packages      do not run apt-get
  --skip-systemd       do not run systemctl
  --skip-nginx         do not write the nginx site
EOF
}

ROOT=""
DOMAIN=""
CERT=""
KEY=""
DB_NAME="dostyq"
DB_HOST="127.0.0.1"
DB_PORT="5432"
PG_ADMIN_URL=""
VENV=""
APP_PORT="8765"
SKIP_PACKAGES=0
SKIP_SYSTEMD=0
SKIP_NGINX=0

while [ $# -gt 0 ]; do
  case "$1" in
    --domain) DOMAIN="$2"; shift 2 ;;
    --cert) CERT="$2"; shift 2 ;;
    --key) KEY="$2"; shift 2 ;;
    --db-name) DB_NAME="$2"; shift 2 ;;
    --db-host) DB_HOST="$2"; shift 2 ;;
    --db-port) DB_PORT="$2"; shift 2 ;;
    --pg-admin-url) PG_ADMIN_URL="$2"; shift 2 ;;
    --venv) VENV="$2"; shift 2 ;;
    --port) APP_PORT="$2"; shift 2 ;;
    --root) ROOT="$(realpath -m "$2")"; shift 2 ;;
    --skip-packages) SKIP_PACKAGES=1; shift ;;
    --skip-systemd) SKIP_SYSTEMD=1; shift ;;
    --skip-nginx) SKIP_NGINX=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "setup.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
done

die() { echo "setup.sh: $*" >&2; exit 1; }
say() { echo "==> $*"; }

[ -n "$DOMAIN" ] || die "--domain is required"
[[ "$DB_NAME" =~ ^[a-z_][a-z0-9_]*$ ]] || die "--db-name must be lower-case letters, digits and _"
[[ "$DOMAIN" =~ ^[A-Za-z0-9.-]+$ ]] || die "--domain must be a host name"
if [ -n "$CERT" ] || [ -n "$KEY" ]; then
  [ -n "$CERT" ] && [ -n "$KEY" ] || die "--cert and --key go together"
fi
if [ -n "$ROOT" ]; then
  SKIP_PACKAGES=1
  SKIP_SYSTEMD=1
fi
if [ -z "$ROOT" ] && [ "$(id -u)" -ne 0 ]; then
  die "run as root (or with --root DIR)"
fi

SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$SRC/packaging/server"
ETC="$ROOT/etc/dostyq"
DATA="$ROOT/var/lib/dostyq"
BACKUPS="$ROOT/var/backups/dostyq"
ENV_FILE="$ETC/server.env"
SYSTEMD_DIR="$ROOT/etc/systemd/system"
NGINX_DIR="$ROOT/etc/nginx"
DEFAULT_VENV="/opt/dostyq/venv"

# ---- packages -----------------------------------------------------------------------------------------------------
if [ "$SKIP_PACKAGES" -eq 0 ]; then
  say "installing packages (postgresql, nginx, python3-venv, openssl)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q postgresql postgresql-client nginx python3-venv openssl ca-certificates
fi

# ---- user and folders ---------------------------------------------------------------------------------------------
if [ -z "$ROOT" ]; then
  if ! id dostyq >/dev/null 2>&1; then
    say "creating the system user dostyq"
    useradd --system --home-dir /var/lib/dostyq --shell /usr/sbin/nologin dostyq
  fi
fi
install -d -m 0755 "$ETC"
install -d -m 0750 "$DATA" "$BACKUPS"
if [ -z "$ROOT" ]; then
  chown dostyq:dostyq "$DATA" "$BACKUPS"
fi

# ---- PostgreSQL role, database and the env file -------------------------------------------------------------------
admin_psql() {
  if [ -n "$PG_ADMIN_URL" ]; then
    psql "${PG_ADMIN_URL/+psycopg/}" -v ON_ERROR_STOP=1 -qAt "$@"
  else
    (cd / && runuser -u postgres -- psql -v ON_ERROR_STOP=1 -qAt "$@")
  fi
}

if [ -z "$PG_ADMIN_URL" ] && [ "$SKIP_SYSTEMD" -eq 0 ]; then
  systemctl enable --now postgresql >/dev/null
fi

PASSWORD=""
if [ -f "$ENV_FILE" ]; then
  PASSWORD="$(sed -n "s|^DOSTYQ_DATABASE_URL=postgresql+psycopg://[^:]*:\([^@]*\)@.*|\1|p" "$ENV_FILE")"
fi
if [ -z "$PASSWORD" ]; then
  PASSWORD="$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')"
fi
[[ "$PASSWORD" =~ ^[A-Za-z0-9]+$ ]] || die "the password in $ENV_FILE is not the one this script writes; fix it by hand"

if [ "$(admin_psql -c "SELECT 1 FROM pg_roles WHERE rolname = '$DB_NAME'")" = "1" ]; then
  # Same password as the env file holds: nothing changes on a second run, and a lost env file is repaired.
  admin_psql -c "ALTER ROLE $DB_NAME WITH LOGIN PASSWORD '$PASSWORD'" >/dev/null
else
  say "creating the PostgreSQL role $DB_NAME"
  admin_psql -c "CREATE ROLE $DB_NAME WITH LOGIN PASSWORD '$PASSWORD'" >/dev/null
fi
if [ "$(admin_psql -c "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")" != "1" ]; then
  say "creating the PostgreSQL database $DB_NAME"
  admin_psql -c "CREATE DATABASE $DB_NAME OWNER $DB_NAME" >/dev/null
fi

DB_URL="postgresql+psycopg://$DB_NAME:$PASSWORD@$DB_HOST:$DB_PORT/$DB_NAME"
NEW_ENV="$(mktemp)"
trap 'rm -f "$NEW_ENV"' EXIT
printf '# Written by packaging/server/setup.sh; read by dostyq-server.service and dostyq-backup.service.\n' >"$NEW_ENV"
printf 'DOSTYQ_DATABASE_URL=%s\n' "$DB_URL" >>"$NEW_ENV"
if ! cmp -s "$NEW_ENV" "$ENV_FILE" 2>/dev/null; then
  say "writing $ENV_FILE"
fi
install -m 0600 "$NEW_ENV" "$ENV_FILE"

# ---- the app ------------------------------------------------------------------------------------------------------
if [ -z "$VENV" ]; then
  VENV="$ROOT$DEFAULT_VENV"
  say "installing dostyq from $SRC into $VENV"
  [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
  "$VENV/bin/python" -m pip install -q --upgrade pip
  "$VENV/bin/python" -m pip install -q -c "$SRC/requirements.txt" "$SRC"
  EXEC_VENV="$DEFAULT_VENV"
else
  [ -x "$VENV/bin/dostyq-server" ] || die "$VENV/bin/dostyq-server not found"
  EXEC_VENV="$VENV"
fi

say "creating the tables (dostyq-server does it on first start)"
DOSTYQ_DATABASE_URL="$DB_URL" "$VENV/bin/dostyq-server" house list >/dev/null

# ---- systemd units ------------------------------------------------------------------------------------------------
install -d -m 0755 "$SYSTEMD_DIR"
sed -e "s|/opt/dostyq/venv|$EXEC_VENV|g" -e "s|--port 8765|--port $APP_PORT|" \
  "$HERE/dostyq-server.service" >"$SYSTEMD_DIR/dostyq-server.service"
sed -e "s|/opt/dostyq/venv|$EXEC_VENV|g" "$HERE/dostyq-backup.service" >"$SYSTEMD_DIR/dostyq-backup.service"
install -m 0644 "$HERE/dostyq-backup.timer" "$SYSTEMD_DIR/dostyq-backup.timer"
chmod 0644 "$SYSTEMD_DIR/dostyq-server.service" "$SYSTEMD_DIR/dostyq-backup.service"

# ---- TLS and nginx ------------------------------------------------------------------------------------------------
if [ "$SKIP_NGINX" -eq 0 ]; then
  if [ -z "$CERT" ]; then
    CERT="/etc/dostyq/tls/$DOMAIN.crt"
    KEY="/etc/dostyq/tls/$DOMAIN.key"
    if [ ! -f "$ROOT$CERT" ] || [ ! -f "$ROOT$KEY" ]; then
      install -d -m 0700 "$ROOT/etc/dostyq/tls"
      openssl req -x509 -newkey rsa:2048 -nodes -days 825 -subj "/CN=$DOMAIN" \
        -addext "subjectAltName=DNS:$DOMAIN" -keyout "$ROOT$KEY" -out "$ROOT$CERT" 2>/dev/null
      chmod 0600 "$ROOT$KEY"
    fi
    echo "NOTE: TLS uses a SELF-SIGNED certificate ($CERT): the house PCs will not trust it."
    echo "      Get a real one (e.g. certbot certonly --webroot) and run again with --cert and --key."
  fi
  install -d -m 0755 "$NGINX_DIR/sites-available" "$NGINX_DIR/sites-enabled" "$NGINX_DIR/conf.d"
  sed -e "s|/etc/letsencrypt/live/sync\.example\.kz/fullchain\.pem|$CERT|" \
    -e "s|/etc/letsencrypt/live/sync\.example\.kz/privkey\.pem|$KEY|" \
    -e "s|sync\.example\.kz|$DOMAIN|g" -e "s|127\.0\.0\.1:8765|127.0.0.1:$APP_PORT|g" \
    -e '/^# In the http {} block:/,/^# limit_req_zone/d' \
    "$HERE/nginx-dostyq.conf" >"$NGINX_DIR/sites-available/dostyq"
  # The enrolment rate-limit zone lives in the http {} block; Debian's nginx.conf includes conf.d/*.conf there.
  sed -n 's|^# \(limit_req_zone .*\)|\1|p' "$HERE/nginx-dostyq.conf" >"$NGINX_DIR/conf.d/dostyq-ratelimit.conf"
  ln -sfn ../sites-available/dostyq "$NGINX_DIR/sites-enabled/dostyq"
  if [ -z "$ROOT" ] && command -v nginx >/dev/null; then
    say "checking the nginx configuration"
    nginx -t
    if [ "$SKIP_SYSTEMD" -eq 0 ]; then
      systemctl enable nginx >/dev/null
      systemctl reload-or-restart nginx
    fi
  fi
fi

# ---- start --------------------------------------------------------------------------------------------------------
if [ "$SKIP_SYSTEMD" -eq 0 ]; then
  say "starting dostyq-server and the nightly backup timer"
  systemctl daemon-reload
  systemctl enable dostyq-server dostyq-backup.timer >/dev/null 2>&1
  systemctl restart dostyq-server
  systemctl start dostyq-backup.timer
  healthy=0
  for _ in $(seq 1 30); do
    if "$VENV/bin/python" -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$APP_PORT/health', timeout=2)" \
      2>/dev/null; then
      healthy=1
      break
    fi
    sleep 1
  done
  [ "$healthy" -eq 1 ] || die "dostyq-server does not answer on 127.0.0.1:$APP_PORT/health: journalctl -u dostyq-server"
  say "dostyq-server answers on 127.0.0.1:$APP_PORT/health"
fi

say "done. Next: dostyq-server house list (with: set -a; . /etc/dostyq/server.env; set +a)"
