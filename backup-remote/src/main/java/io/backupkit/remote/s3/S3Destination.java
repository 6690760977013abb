package io.backupkit.remote.s3;

import io.backupkit.InvalidPlanException;
import io.backupkit.spi.Destination;
import io.backupkit.spi.RemoteFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Snapshots in an S3 bucket or any S3-compatible server (MinIO, Garage, Ceph, Backblaze B2, Wasabi...), on the AWS
 * SDK v2. Made by {@code Destinations.s3(bucket, prefix)}; immutable, every {@code withX} returns a changed copy. The
 * client is made on first use and released by {@link #close()}, which BackupKit calls at the end of every run.
 *
 * <pre>{@code
 * Destination minio = Destinations.s3("backups", "plex")
 *     .withEndpoint("http://nas.local:9000").withPathStyle(true).withRegion("us-east-1")
 *     .withCredentials("backupkit", System.getenv("MINIO_SECRET"));
 * }</pre>
 *
 * <p>Files up to {@link #withMultipartThreshold(long) the multipart threshold} are written with one put, larger ones
 * as a multipart upload of {@link #withPartSize(long) parts} (aborted when a part fails, so no partial object is
 * left). The lock is written with a conditional put ({@code If-None-Match: *}); a server that does not support it
 * (HTTP 501) gets a check-then-put, which BackupKit reads back. Requests are retried by the SDK's standard strategy.
 */
public final class S3Destination implements Destination {

    /** Default size above which uploads are multipart: 64 MiB. */
    public static final long DEFAULT_MULTIPART_THRESHOLD = 64L << 20;
    /** Default part size of a multipart upload: 16 MiB. */
    public static final long DEFAULT_PART_SIZE = 16L << 20;
    /** Default number of attempts per request, the first included. */
    public static final int DEFAULT_ATTEMPTS = 4;
    /** Default timeout of one attempt of a request (connect, read). */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    /** The smallest part S3 accepts (but for the last one). */
    public static final long MIN_PART_SIZE = 5L << 20;

    private static final Logger LOG = LoggerFactory.getLogger(S3Destination.class);

    private final String bucket;
    private final String prefix;
    private final URI endpoint;
    private final String region;
    private final boolean pathStyle;
    private final String accessKey;
    private final String secretKey;
    private final long multipartThreshold;
    private final long partSize;
    private final int attempts;
    private final Duration timeout;
    private S3Client client;

    private S3Destination(String bucket, String prefix, URI endpoint, String region, boolean pathStyle,
                          String accessKey, String secretKey, long multipartThreshold, long partSize, int attempts,
                          Duration timeout) {
        this.bucket = bucket;
        this.prefix = prefix;
        this.endpoint = endpoint;
        this.region = region;
        this.pathStyle = pathStyle;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
        this.multipartThreshold = multipartThreshold;
        this.partSize = partSize;
        this.attempts = attempts;
        this.timeout = timeout;
    }

    /**
     * @param bucket the bucket; must exist
     * @param prefix the key prefix snapshots go under ({@code ""} for the bucket's root); a trailing {@code /} is
     *        added when missing
     * @return the destination, with the SDK's default region and credentials chains
     * @throws InvalidPlanException if the bucket is blank or the prefix null or absolute
     */
    public static S3Destination of(String bucket, String prefix) {
        if (bucket == null || bucket.isBlank() || bucket.contains("/")) {
            throw new InvalidPlanException(List.of("S3 bucket must be a bucket name, was '" + bucket + "'"));
        }
        if (prefix == null || prefix.startsWith("/")) {
            throw new InvalidPlanException(List.of("S3 prefix must be relative ('' for the bucket's root), was '"
                    + prefix + "'"));
        }
        String p = prefix.isEmpty() || prefix.endsWith("/") ? prefix : prefix + "/";
        return new S3Destination(bucket.strip(), p, null, null, false, null, null, DEFAULT_MULTIPART_THRESHOLD,
                DEFAULT_PART_SIZE, DEFAULT_ATTEMPTS, DEFAULT_TIMEOUT);
    }

    /**
     * @param url the server's URL for an S3-compatible server (MinIO {@code http://nas:9000}). Default: AWS's
     *        endpoint for the region. Over such endpoints checksums are sent only where the API requires them
     *        (some servers store the SDK's aws-chunked framing otherwise)
     * @return a changed copy
     * @throws InvalidPlanException if the URL is not an http or https URL
     */
    public S3Destination withEndpoint(String url) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (RuntimeException e) {
            throw new InvalidPlanException(List.of("S3 endpoint '" + url + "' is not a URL"));
        }
        if (uri.getScheme() == null || !uri.getScheme().matches("https?") || uri.getHost() == null) {
            throw new InvalidPlanException(List.of("S3 endpoint must be an http or https URL, was '" + url + "'"));
        }
        return new S3Destination(bucket, prefix, uri, region, pathStyle, accessKey, secretKey, multipartThreshold,
                partSize, attempts, timeout);
    }

    /**
     * @param region e.g. {@code eu-central-1}. Default: the SDK's region chain ({@code AWS_REGION}, the profile),
     *        or {@code us-east-1} with an endpoint
     * @return a changed copy
     * @throws InvalidPlanException if blank
     */
    public S3Destination withRegion(String region) {
        if (region == null || region.isBlank()) {
            throw new InvalidPlanException(List.of("S3 region must not be blank, was '" + region + "'"));
        }
        return new S3Destination(bucket, prefix, endpoint, region.strip(), pathStyle, accessKey, secretKey,
                multipartThreshold, partSize, attempts, timeout);
    }

    /**
     * @param pathStyle {@code true} for {@code http://host/bucket/key} URLs, as most S3-compatible servers need.
     *        Default {@code false}: {@code http://bucket.host/key}
     * @return a changed copy
     */
    public S3Destination withPathStyle(boolean pathStyle) {
        return new S3Destination(bucket, prefix, endpoint, region, pathStyle, accessKey, secretKey,
                multipartThreshold, partSize, attempts, timeout);
    }

    /**
     * @param accessKeyId the access key id
     * @param secretAccessKey the secret; never printed or logged
     * @return a changed copy using these credentials. Default: the SDK's default chain (environment
     *         {@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY}, {@code ~/.aws/credentials}, instance roles)
     * @throws InvalidPlanException if either is blank
     */
    public S3Destination withCredentials(String accessKeyId, String secretAccessKey) {
        if (accessKeyId == null || accessKeyId.isBlank() || secretAccessKey == null || secretAccessKey.isEmpty()) {
            throw new InvalidPlanException(List.of("S3 credentials need an access key id and a secret"));
        }
        return new S3Destination(bucket, prefix, endpoint, region, pathStyle, accessKeyId, secretAccessKey,
                multipartThreshold, partSize, attempts, timeout);
    }

    /**
     * @param bytes files larger than this are uploaded in parts, at least {@link #MIN_PART_SIZE}. Default
     *        {@link #DEFAULT_MULTIPART_THRESHOLD}
     * @return a changed copy
     * @throws InvalidPlanException if too small
     */
    public S3Destination withMultipartThreshold(long bytes) {
        if (bytes < MIN_PART_SIZE) {
            throw new InvalidPlanException(List.of("S3 multipart threshold must be at least " + MIN_PART_SIZE
                    + " bytes, was " + bytes));
        }
        return new S3Destination(bucket, prefix, endpoint, region, pathStyle, accessKey, secretKey, bytes, partSize,
                attempts, timeout);
    }

    /**
     * @param bytes the size of each part of a multipart upload (held in memory while sent), {@link #MIN_PART_SIZE}
     *        to 512 MiB. Default {@link #DEFAULT_PART_SIZE}
     * @return a changed copy
     * @throws InvalidPlanException if out of range
     */
    public S3Destination withPartSize(long bytes) {
        if (bytes < MIN_PART_SIZE || bytes > (512L << 20)) {
            throw new InvalidPlanException(List.of("S3 part size must be between " + MIN_PART_SIZE + " and "
                    + (512L << 20) + " bytes, was " + bytes));
        }
        return new S3Destination(bucket, prefix, endpoint, region, pathStyle, accessKey, secretKey,
                multipartThreshold, bytes, attempts, timeout);
    }

    /**
     * @param attempts tries per request, the first included, 1 to 20 (the SDK's standard retry strategy, with
     *        back-off). Default {@value #DEFAULT_ATTEMPTS}
     * @return a changed copy
     * @throws InvalidPlanException if out of range
     */
    public S3Destination withAttempts(int attempts) {
        if (attempts < 1 || attempts > 20) {
            throw new InvalidPlanException(List.of("S3 attempts must be between 1 and 20, was " + attempts));
        }
        return new S3Destination(bucket, prefix, endpoint, region, pathStyle, accessKey, secretKey,
                multipartThreshold, partSize, attempts, timeout);
    }

    /**
     * @param timeout the connect and read timeout of each attempt. Default 60 s
     * @return a changed copy
     * @throws InvalidPlanException if not positive
     */
    public S3Destination withTimeout(Duration timeout) {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new InvalidPlanException(List.of("S3 timeout must be positive, was " + timeout));
        }
        return new S3Destination(bucket, prefix, endpoint, region, pathStyle, accessKey, secretKey,
                multipartThreshold, partSize, attempts, timeout);
    }

    @Override
    public String id() {
        return "s3://" + bucket + "/" + prefix.replaceAll("/$", "")
                + (endpoint == null ? "" : " at " + endpoint.getScheme() + "://" + endpoint.getAuthority());
    }

    @Override
    public String toString() {
        return "S3Destination[" + id() + (region == null ? "" : ", region " + region) + (pathStyle ? ", path-style"
                : "") + (accessKey == null ? ", default credentials" : ", access key " + accessKey + ", secret ****")
                + "]";
    }

    private synchronized S3Client client() {
        if (client == null) {
            S3ClientBuilder b = S3Client.builder()
                    .httpClient(UrlConnectionHttpClient.builder().connectionTimeout(timeout).socketTimeout(timeout)
                            .build())
                    .forcePathStyle(pathStyle)
                    .overrideConfiguration(c -> c.retryStrategy(r -> r.maxAttempts(attempts)));
            AwsCredentialsProvider credentials = accessKey == null ? DefaultCredentialsProvider.builder().build()
                    : StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey));
            b.credentialsProvider(credentials);
            if (endpoint != null) {
                b.endpointOverride(endpoint)
                        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
            }
            if (region != null) {
                b.region(Region.of(region));
            } else if (endpoint != null) {
                b.region(Region.US_EAST_1);
            }
            client = b.build();
        }
        return client;
    }

    private String key(String name) {
        return prefix + name;
    }

    private IOException io(String what, String name, SdkException e) {
        return new IOException(what + " " + key(name) + " in s3://" + bucket + " failed: " + e.getMessage(), e);
    }

    @Override
    public List<RemoteFile> list(String namePrefix) throws IOException {
        List<RemoteFile> out = new ArrayList<>();
        try {
            for (S3Object o : client().listObjectsV2Paginator(r -> r.bucket(bucket).prefix(key(namePrefix)))
                    .contents()) {
                out.add(new RemoteFile(o.key().substring(prefix.length()), o.size()));
            }
        } catch (SdkException e) {
            throw io("Listing", namePrefix + "*", e);
        }
        return out;
    }

    @Override
    public InputStream open(String name) throws IOException {
        try {
            return client().getObject(r -> r.bucket(bucket).key(key(name)));
        } catch (NoSuchKeyException e) {
            throw new NoSuchFileException("s3://" + bucket + "/" + key(name));
        } catch (SdkException e) {
            throw io("Reading", name, e);
        }
    }

    @Override
    public void upload(Path source, String name) throws IOException {
        long size = Files.size(source);
        try {
            if (size <= multipartThreshold) {
                client().putObject(r -> r.bucket(bucket).key(key(name)).contentLength(size),
                        RequestBody.fromFile(source));
            } else {
                multipart(source, name, size);
            }
        } catch (SdkException e) {
            throw io("Uploading", name, e);
        }
    }

    private void multipart(Path source, String name, long size) throws IOException {
        String uploadId = client().createMultipartUpload(r -> r.bucket(bucket).key(key(name))).uploadId();
        boolean done = false;
        try (InputStream in = Files.newInputStream(source)) {
            List<CompletedPart> parts = new ArrayList<>();
            byte[] buffer = new byte[(int) Math.min(partSize, size)];
            int number = 1;
            for (long sent = 0; sent < size; number++) {
                int n = in.readNBytes(buffer, 0, (int) Math.min(buffer.length, size - sent));
                if (n <= 0) {
                    throw new IOException(source + " became shorter while uploaded");
                }
                int part = number;
                UploadPartResponse r = client().uploadPart(p -> p.bucket(bucket).key(key(name)).uploadId(uploadId)
                        .partNumber(part).contentLength((long) n), RequestBody.fromBytes(java.util.Arrays.copyOf(
                        buffer, n)));
                parts.add(CompletedPart.builder().partNumber(part).eTag(r.eTag()).build());
                sent += n;
            }
            client().completeMultipartUpload(r -> r.bucket(bucket).key(key(name)).uploadId(uploadId)
                    .multipartUpload(m -> m.parts(parts)));
            done = true;
            LOG.debug("Uploaded {} in {} parts", key(name), parts.size());
        } finally {
            if (!done) {
                try {
                    client().abortMultipartUpload(r -> r.bucket(bucket).key(key(name)).uploadId(uploadId));
                } catch (SdkException e) {
                    LOG.warn("Could not abort the multipart upload of {}: {}", key(name), e.getMessage());
                }
            }
        }
    }

    @Override
    public boolean createNew(String name, byte[] content) throws IOException {
        try {
            if (exists(name)) {
                return false;
            }
            client().putObject(r -> r.bucket(bucket).key(key(name)).ifNoneMatch("*"), RequestBody.fromBytes(content));
            return true;
        } catch (S3Exception e) {
            if (e.statusCode() == 412 || e.statusCode() == 409) {
                return false;
            }
            if (e.statusCode() == 501) {
                LOG.info("s3://{} does not support conditional puts; the lock is checked then written", bucket);
                client().putObject(r -> r.bucket(bucket).key(key(name)), RequestBody.fromBytes(content));
                return true;
            }
            throw io("Creating", name, e);
        } catch (SdkException e) {
            throw io("Creating", name, e);
        }
    }

    private boolean exists(String name) {
        try {
            client().headObject(r -> r.bucket(bucket).key(key(name)));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public void delete(String name) throws IOException {
        try {
            client().deleteObject(r -> r.bucket(bucket).key(key(name)));
        } catch (NoSuchKeyException e) {
            // already gone
        } catch (SdkException e) {
            throw io("Deleting", name, e);
        }
    }

    @Override
    public boolean copy(String from, String to) throws IOException {
        try {
            client().copyObject(r -> r.sourceBucket(bucket).sourceKey(key(from)).destinationBucket(bucket)
                    .destinationKey(key(to)));
            return true;
        } catch (SdkException e) {
            throw io("Copying " + key(from) + " to", to, e);
        }
    }

    @Override
    public synchronized void close() {
        if (client != null) {
            client.close();
            client = null;
        }
    }
}
