/**
 * dblock-spring's implementation: the annotation advisors and the per-transaction lock state. Not API: anything here
 * may change in any release without notice. Its classes are public only because Spring instantiates some of them.
 */
package io.dblock.spring.internal;
