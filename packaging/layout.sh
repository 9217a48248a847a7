# packaging/layout.sh: where scripts/install puts system files and scripts/uninstall removes them from.
UNIT_DIR=/etc/systemd/system
UDEV_RULES_DIR=/etc/udev/rules.d
MODULES_LOAD_DIR=/etc/modules-load.d
