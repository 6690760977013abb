/**
 * The demo behind {@code backupkit demo}: {@link io.backupkit.examples.demo.DemoTree} builds a sample Plex-like data
 * folder with deterministic content, {@link io.backupkit.examples.demo.TreeComparison} checks that a restored tree
 * equals its source.
 *
 * <pre>{@code
 * DemoTree.Stats stats = DemoTree.create(Path.of("/tmp/demo/Plex Media Server"));
 * List<String> diffs = TreeComparison.differences(stats.root(), restored, DemoTree::isExcluded, 20);
 * }</pre>
 *
 * <p>Examples, not API: nothing here is a promise.
 */
package io.backupkit.examples.demo;
