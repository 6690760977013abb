package io.backupkit.internal;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * {@code partial.json} in an unfinished snapshot: what {@code resume()} needs to continue it the same way.
 *
 * <pre>{@code
 * PartialState s = Json.read(partial.resolve("partial.json"), PartialState.class);
 * }</pre>
 *
 * @param formatVersion snapshot format of the run that started it
 * @param id snapshot id
 * @param created when the backup started (ISO-8601)
 * @param host host that started it
 * @param archiver archiver and options
 * @param plan excludes and special folders
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PartialState(int formatVersion, String id, String created, String host,
                           Manifest.ArchiverInfo archiver, Manifest.PlanInfo plan) {
}
