/**
 * age encryption of the files of a snapshot (API: {@link io.backupkit.remote.age.AgeEncryption}).
 *
 * <pre>{@code
 * builder.encryption(AgeEncryption.to("age1...").withIdentity(Path.of("key.txt")));
 * }</pre>
 */
package io.backupkit.remote.age;
