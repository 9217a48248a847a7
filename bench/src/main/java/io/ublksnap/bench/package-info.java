/** Benchmarks. */
package io.ublksnap.bench;
