/**
 * ublkd's log: levels through {@link java.lang.System.Logger}, written to standard error with journal priorities under
 * systemd and timestamps elsewhere.
 */
package io.ublksnap.ublkd.log;
