# scripts/lib/debian-apt.sh: a private apt configuration for downloading packages of another Debian suite
# (the test kernels, the newest ublk header) without touching the machine's own apt sources. Sourced by
# scripts/setup and tools/ublk-vm (bash).
#   debian_apt_opts DIR         the apt options that make apt use DIR for sources, lists and cache
#   debian_apt_init DIR SUITE   writes DIR's source for SUITE (main) and updates its lists
debian_apt_opts() {
  echo "-o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts=$1/apt/sources -o Dir::State::Lists=$1/apt/lists -o Dir::Cache=$1/apt/cache -o Debug::NoLocking=1"
}
debian_apt_init() {
  mkdir -p "$1/apt/sources" "$1/apt/lists/partial" "$1/apt/cache/archives/partial"
  rm -f "$1"/apt/sources/*.sources
  cat > "$1/apt/sources/debian.sources" <<SRC
Types: deb
URIs: http://deb.debian.org/debian
Suites: $2
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  # shellcheck disable=SC2046
  apt-get $(debian_apt_opts "$1") update -qq
}
