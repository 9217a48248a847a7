/** The ublkd daemon and its command line. */
package io.ublksnap.ublkd;
