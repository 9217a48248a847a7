/** The snapshot engine: dm-snapshot semantics with no kernel dependencies. */
package io.ublksnap.engine;
