package io.apimfleet.controller.pki;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;

/**
 * The controller's state directory, made by {@code fleet init}:
 * <pre>
 *   config.json            {"version":1,"advertise":"HOST:7443","createdAt":...,"fleetId":...}
 *   lock                   held (flock) by whoever changes the state
 *   master.key             32 random bytes: the AES-256 key of {@link #secrets()}
 *   ca/fleet-ca.crt .key   fleet CA, EC P-256, 10 years: agent and admin identities
 *   ca/product-ca.crt .key product CA, RSA 3072, 10 years: API-M certificates
 *   ca/controller-peer-ca.crt .key  controller-peer CA, EC P-256, 10 years: controllers' certificates
 *                          on the event bus between controllers (never an agent's or the admin's)
 *   ca/fleet-intermediate.crt .key, ca/product-intermediate.crt .key, ca/controller-peer-intermediate.crt .key
 *                          on a controller that joined ({@link #createJoined}) instead of the roots' keys:
 *                          its own intermediates, signed by the first controller's roots (whose
 *                          certificates alone are in the *-ca.crt files)
 *   ca/issued.json         every serial each CA has signed (keeps them unique)
 *   admin/admin.crt .key   the CLI's client certificate (CN=fleet-admin, clientAuth, 2 years)
 *   admin/ca.crt           the fleet CA, for the CLI to trust the controller
 *   tokens.json            join tokens, as SHA-256 hashes only
 *   agents.json            enrolled agents and their certificates (no keys)
 *   revoked.json           revoked agent certificate serials
 *   journal/events.ndjson  one JSON event per line; never a secret
 *   epoch                  the highest leadership epoch this controller has acted under or seen
 * </pre>
 * Every directory is 0700 and every file 0600. The only private keys here are the three CAs' and
 * the admin's; nodes' keys never reach the controller. A state made before the controller-peer
 * CA existed gets it the first time {@link #peerCa()} is asked for.
 */
public final class ControllerState {
    public static final int DEFAULT_PORT = 7443;
    static final Duration CA_VALIDITY = Duration.ofDays(3650);
    static final Duration ADMIN_VALIDITY = Duration.ofDays(730);
    public static final String ADMIN_CN = "fleet-admin";

    private static final Map<Path, ReentrantLock> LOCKS = new ConcurrentHashMap<>();
    private static final Pattern ADVERTISE = Pattern.compile("(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?):(\\d{1,5})");
    private static final Pattern TOKEN_SHAPED = Pattern.compile("(?s).*\\b[a-z0-9]{6}\\.[a-z0-9]{16,64}\\b.*");

    /** What config.json holds. */
    record Config(int version, String advertise, Instant createdAt, String fleetId) {
    }

    record IssuedEntry(String ca, String serial, String subject, Instant notAfter, Instant issuedAt) {
    }

    record IssuedFile(int version, List<IssuedEntry> certificates) {
        IssuedFile {
            certificates = certificates == null ? List.of() : List.copyOf(certificates);
        }
    }

    private final Path dir;
    private final Config config;
    private final CertificateAuthority fleetCa;
    private final CertificateAuthority productCa;
    private final SecretBox secrets;
    private final CertificateAuthority.SerialLedger ledger = this::issueUnique;
    // guarded by this; null until made or read (states older than the controller-peer CA have none)
    private CertificateAuthority peerCa;
    private volatile TokenClaims claims = TokenClaims.LOCAL;

    private ControllerState(Path dir, Config config, CertKey fleet, CertKey product, SecretBox secrets) {
        this.dir = dir;
        this.config = config;
        this.secrets = secrets;
        this.fleetCa = new CertificateAuthority("fleet", fleet.chain(), fleet.key(), ledger);
        this.productCa = new CertificateAuthority("product", product.chain(), product.key(), ledger);
    }

    /** A CA's certificate chain (its own first, the root last) and its key. */
    private record CertKey(List<X509Certificate> chain, PrivateKey key) {
        CertKey(X509Certificate certificate, PrivateKey key) {
            this(List.of(certificate), key);
        }

        X509Certificate certificate() {
            return chain.get(0);
        }
    }

    /**
     * What a controller that joins brings to its new state directory, all of it already in memory
     * (nothing is written before everything has arrived): each CA's intermediate chain and key,
     * the cluster secrets, and the certificates it issued itself while joining.
     *
     * @param fleet   the fleet intermediate: chain (intermediate, root) and its key
     * @param masterKey the cluster's master key (opens the sealed files)
     * @param sealedFiles the cluster's sealed secret store and product keys, by path relative to the state
     * @param issued  certificates this controller's intermediates issued while joining (for {@code ca/issued.json})
     */
    public record Joined(String fleetId, String advertise, IntermediateCa fleet, IntermediateCa product, IntermediateCa peer,
                         byte[] masterKey, Map<String, byte[]> sealedFiles, List<X509Certificate> issued) {
        public Joined {
            sealedFiles = Map.copyOf(sealedFiles);
            issued = List.copyOf(issued);
        }

        /** Never the keys. */
        @Override
        public String toString() {
            return "Joined[fleet " + fleetId + ", " + sealedFiles.size() + " sealed files]";
        }
    }

    /** An intermediate CA of a joined controller: its chain (its certificate, the root last) and its key. */
    public record IntermediateCa(List<X509Certificate> chain, PrivateKey key) {
        public IntermediateCa {
            chain = List.copyOf(chain);
            if (chain.size() != 2) {
                throw new IllegalArgumentException("an intermediate CA's chain is the intermediate and its root, not " + chain.size() + " certificates");
            }
        }

        /** The CA as it signs while joining (its serials are recorded when the state is written). */
        public CertificateAuthority authority(String name) {
            return new CertificateAuthority(name, chain, key, (ca, sign) -> sign.apply(CertificateAuthority.randomSerial()));
        }

        /** Never the key. */
        @Override
        public String toString() {
            return "IntermediateCa[" + chain.get(0).getSubjectX500Principal().getName() + "]";
        }
    }

    // ------------------------------------------------------------------ creating and opening

    /** {@link #init(Path, String, Instant)} now. */
    public static ControllerState init(Path dir, String advertise) {
        return init(dir, advertise, Instant.now());
    }

    /**
     * Creates a new state in {@code dir} (absent, or an empty directory). Refuses, changing
     * nothing, when {@code dir} holds anything.
     *
     * @param advertise where agents reach the controller's API, {@code HOST:PORT}; null for {@code <this host name>:7443}
     * @throws ControllerStateException when {@code dir} is not empty or cannot be written
     * @throws IllegalArgumentException when {@code advertise} is not {@code HOST:PORT}
     */
    public static ControllerState init(Path dir, String advertise, Instant now) {
        String where = advertise == null ? defaultHost() + ":" + DEFAULT_PORT : checkAdvertise(advertise);
        return inEmptyDirectory(dir, "fleet init", root -> create(root, where, now));
    }

    /**
     * Creates the state of a controller that joined a fleet ({@code fleet controller join}) in
     * {@code dir} (absent, or an empty directory): the three roots' certificates without their
     * keys, this controller's three intermediates with theirs, the cluster's master key and sealed
     * files, and an admin certificate from its own fleet intermediate. Refuses, changing nothing,
     * when {@code dir} holds anything.
     */
    public static ControllerState createJoined(Path dir, Joined joined, Instant now) {
        checkAdvertise(joined.advertise());
        return inEmptyDirectory(dir, "fleet controller join", root -> writeJoined(root, joined, now));
    }

    /** Runs {@code create} in {@code dir} made or found empty (and locked); on failure removes what it wrote. */
    private static ControllerState inEmptyDirectory(Path dir, String command, java.util.function.Function<Path, ControllerState> create) {
        Path root = dir.toAbsolutePath().normalize();
        boolean created = !Files.exists(root);
        if (!created) {
            refuseUnlessEmptyDirectory(root, dir, command);
        }
        SecureFiles.createDirectories(root);
        Path lock = root.resolve("lock");
        try {
            Files.createFile(lock, SecureFiles.attributes(SecureFiles.PRIVATE));
        } catch (FileAlreadyExistsException e) {
            throw new ControllerStateException(dir + " already holds a controller state (or another " + command + " is running there); it was left untouched");
        } catch (IOException e) {
            throw new ControllerStateException("cannot create the state in " + dir + ": " + e.getMessage(), e);
        }
        try {
            if (entries(root).size() != 1) {
                Files.delete(lock);
                throw new ControllerStateException(dir + " is not empty; " + command + " never overwrites: give a new or empty directory");
            }
        } catch (IOException e) {
            throw new ControllerStateException("cannot create the state in " + dir + ": " + e.getMessage(), e);
        }
        try {
            Files.setPosixFilePermissions(root, SecureFiles.DIRECTORY);
            return create.apply(root);
        } catch (RuntimeException | IOException | Error e) {
            cleanUp(root, created);
            if (e instanceof RuntimeException runtime) {
                throw runtime instanceof ControllerStateException ? runtime
                        : new ControllerStateException("cannot create the state in " + dir + ": " + e.getMessage(), e);
            }
            if (e instanceof Error error) {
                throw error;
            }
            throw new ControllerStateException("cannot create the state in " + dir + ": " + e.getMessage(), e);
        }
    }

    private static ControllerState create(Path root, String advertise, Instant now) {
        String fleetId = Crypto.hex(randomBytes(4));
        KeyPair fleetKeys = Keys.ecP256();
        KeyPair productKeys = Keys.rsa(3072);
        BigInteger fleetSerial = CertificateAuthority.randomSerial();
        BigInteger productSerial = CertificateAuthority.randomSerial();
        X509Certificate fleetCert = CertificateAuthority.selfSigned(fleetKeys, caName("apim-fleet fleet CA " + fleetId), fleetSerial, now, CA_VALIDITY);
        X509Certificate productCert = CertificateAuthority.selfSigned(productKeys, caName("apim-fleet product CA " + fleetId), productSerial, now, CA_VALIDITY);

        SecureFiles.createDirectories(root.resolve("ca"));
        SecureFiles.createDirectories(root.resolve("admin"));
        SecureFiles.createDirectories(root.resolve("journal"));
        writePrivatePem(root.resolve(FLEET_CA_CRT), fleetCert);
        writePrivatePem(root.resolve(FLEET_CA_KEY), fleetKeys.getPrivate());
        writePrivatePem(root.resolve(PRODUCT_CA_CRT), productCert);
        writePrivatePem(root.resolve(PRODUCT_CA_KEY), productKeys.getPrivate());
        IssuedEntry peerEntry = createPeerCa(root, fleetId, now);
        byte[] master = SecretBox.newMasterKey();
        SecureFiles.writePrivate(root.resolve(MASTER_KEY), master);
        SecretBox box = new SecretBox(master);
        java.util.Arrays.fill(master, (byte) 0);
        StateJson.write(root.resolve(ISSUED), new IssuedFile(1, List.of(
                new IssuedEntry("fleet", fleetSerial.toString(16), fleetCert.getSubjectX500Principal().getName(), fleetCert.getNotAfter().toInstant(), now),
                new IssuedEntry("product", productSerial.toString(16), productCert.getSubjectX500Principal().getName(), productCert.getNotAfter().toInstant(), now),
                peerEntry)));

        Config config = new Config(1, advertise, now, fleetId);
        ControllerState state = new ControllerState(root, config,
                new CertKey(fleetCert, fleetKeys.getPrivate()), new CertKey(productCert, productKeys.getPrivate()), box);
        state.locked(() -> {
            KeyPair adminKeys = Keys.ecP256();
            X509Certificate admin = state.fleetCa.issue(adminKeys.getPublic(), new X500Name("CN=" + ADMIN_CN),
                    null, ADMIN_VALIDITY, KeyPurpose.CLIENT_TLS, now);
            writePrivatePem(root.resolve(ADMIN_CRT), admin);
            writePrivatePem(root.resolve(ADMIN_KEY), adminKeys.getPrivate());
            writePrivatePem(root.resolve(ADMIN_CA_CRT), fleetCert);
            JoinTokens.writeEmpty(root.resolve(TOKENS));
            AgentRegistry.writeEmpty(root.resolve(AGENTS));
            RevocationList.writeEmpty(root.resolve(REVOKED));
            // config.json last: its presence is what makes the directory an initialised state
            StateJson.write(root.resolve(CONFIG), config);
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("advertise", advertise);
            fields.put("fleetCaSha256", state.fleetCa.fingerprintSha256());
            fields.put("productCaSha256", state.productCa.fingerprintSha256());
            fields.put("adminSerial", admin.getSerialNumber().toString(16));
            state.record("state.initialised", fields);
            return null;
        });
        return state;
    }

    private static ControllerState writeJoined(Path root, Joined joined, Instant now) {
        SecureFiles.createDirectories(root.resolve("ca"));
        SecureFiles.createDirectories(root.resolve("admin"));
        SecureFiles.createDirectories(root.resolve("journal"));
        List<IssuedEntry> issued = new ArrayList<>();
        writeIntermediate(root, joined.fleet(), FLEET_CA_CRT, FLEET_INTERMEDIATE_CRT, FLEET_INTERMEDIATE_KEY);
        writeIntermediate(root, joined.product(), PRODUCT_CA_CRT, PRODUCT_INTERMEDIATE_CRT, PRODUCT_INTERMEDIATE_KEY);
        writeIntermediate(root, joined.peer(), PEER_CA_CRT, PEER_INTERMEDIATE_CRT, PEER_INTERMEDIATE_KEY);
        for (Map.Entry<String, byte[]> file : joined.sealedFiles().entrySet()) {
            Path target = root.resolve(file.getKey()).normalize();
            if (!target.startsWith(root) || target.equals(root.resolve(MASTER_KEY))) {
                throw new ControllerStateException("the cluster secrets name a file outside the state: " + file.getKey());
            }
            SecureFiles.createDirectories(target.getParent());
            SecureFiles.writePrivate(target, file.getValue());
        }
        SecureFiles.writePrivate(root.resolve(MASTER_KEY), joined.masterKey());
        SecretBox box = new SecretBox(joined.masterKey());
        for (X509Certificate certificate : joined.issued()) {
            issued.add(issuedEntry(certificate, now));
        }
        StateJson.write(root.resolve(ISSUED), new IssuedFile(1, issued));

        Config config = new Config(1, joined.advertise(), now, joined.fleetId());
        ControllerState state = new ControllerState(root, config, new CertKey(joined.fleet().chain(), joined.fleet().key()),
                new CertKey(joined.product().chain(), joined.product().key()), box);
        state.locked(() -> {
            KeyPair adminKeys = Keys.ecP256();
            X509Certificate admin = state.fleetCa.issue(adminKeys.getPublic(), new X500Name("CN=" + ADMIN_CN),
                    null, ADMIN_VALIDITY, KeyPurpose.CLIENT_TLS, now);
            SecureFiles.writePrivate(root.resolve(ADMIN_CRT), state.fleetCa.presentedChainPem(admin).getBytes(StandardCharsets.US_ASCII));
            writePrivatePem(root.resolve(ADMIN_KEY), adminKeys.getPrivate());
            writePrivatePem(root.resolve(ADMIN_CA_CRT), state.fleetCa.root());
            JoinTokens.writeEmpty(root.resolve(TOKENS));
            AgentRegistry.writeEmpty(root.resolve(AGENTS));
            RevocationList.writeEmpty(root.resolve(REVOKED));
            StateJson.write(root.resolve(CONFIG), config);
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("advertise", joined.advertise());
            fields.put("fleetCaSha256", state.fleetCa.fingerprintSha256());
            fields.put("fleetIntermediateSha256", Fingerprints.sha256(state.fleetCa.certificate()));
            fields.put("productIntermediateSha256", Fingerprints.sha256(joined.product().chain().get(0)));
            fields.put("peerIntermediateSha256", Fingerprints.sha256(joined.peer().chain().get(0)));
            fields.put("sealedFiles", List.copyOf(new java.util.TreeSet<>(joined.sealedFiles().keySet())));
            fields.put("adminSerial", admin.getSerialNumber().toString(16));
            state.record("state.joined", fields);
            return null;
        });
        return state;
    }

    private static void writeIntermediate(Path root, IntermediateCa ca, String rootFile, String certificateFile, String keyFile) {
        writePrivatePem(root.resolve(keyFile), ca.key());   // the key first: a certificate without its key reads as damaged
        writePrivatePem(root.resolve(certificateFile), ca.chain().get(0));
        writePrivatePem(root.resolve(rootFile), ca.chain().get(1));
    }

    private static IssuedEntry issuedEntry(X509Certificate certificate, Instant now) {
        return new IssuedEntry(certificate.getIssuerX500Principal().getName(), certificate.getSerialNumber().toString(16),
                certificate.getSubjectX500Principal().getName(), certificate.getNotAfter().toInstant(), now);
    }

    /**
     * The cluster secrets every controller needs, as a joining controller receives them (over the
     * controller-peer mutual TLS channel only): the master key and, by path relative to the state,
     * every file it opens: the secret store and each cluster's sealed primary key (with its public
     * certificate). Never logged.
     */
    public ClusterSecrets clusterSecrets() {
        return locked(() -> {
            Map<String, byte[]> files = new java.util.TreeMap<>();
            for (String top : List.of("secrets", "product")) {
                Path base = dir.resolve(top);
                if (!Files.isDirectory(base)) {
                    continue;
                }
                try (Stream<Path> walk = Files.walk(base)) {
                    for (Path file : walk.filter(Files::isRegularFile).toList()) {
                        String name = file.getFileName().toString();
                        if (top.equals("secrets") || name.equals("primary.key.sealed") || name.equals("primary.crt")) {
                            files.put(dir.relativize(file).toString(), Files.readAllBytes(file));
                        }
                    }
                } catch (IOException e) {
                    throw new ControllerStateException("cannot read the cluster secrets under " + base + ": " + e.getMessage(), e);
                }
            }
            try {
                return new ClusterSecrets(Files.readAllBytes(dir.resolve(MASTER_KEY)), files);
            } catch (IOException e) {
                throw new ControllerStateException("cannot read the master key: " + e.getMessage(), e);
            }
        });
    }

    /**
     * Opens an initialised state.
     *
     * @throws ControllerStateException when {@code dir} is missing, not initialised or damaged
     */
    public static ControllerState open(Path dir) {
        Path root = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(root)) {
            throw new ControllerStateException("no controller state at " + dir + "; create one with: fleet init --state " + dir);
        }
        if (!Files.isRegularFile(root.resolve(CONFIG))) {
            throw new ControllerStateException(dir + " is not an initialised controller state (no config.json); create one with: fleet init --state DIR");
        }
        Config config = StateJson.read(root.resolve(CONFIG), Config.class, () -> null);
        if (config == null || config.version() != 1 || config.advertise() == null) {
            throw new ControllerStateException(root.resolve(CONFIG) + " is not a version 1 controller configuration");
        }
        try {
            CertKey fleet = readCa(root, FLEET_CA_CRT, FLEET_CA_KEY, FLEET_INTERMEDIATE_CRT, FLEET_INTERMEDIATE_KEY);
            CertKey product = readCa(root, PRODUCT_CA_CRT, PRODUCT_CA_KEY, PRODUCT_INTERMEDIATE_CRT, PRODUCT_INTERMEDIATE_KEY);
            return new ControllerState(root, config, fleet, product, SecretBox.load(root.resolve(MASTER_KEY)));
        } catch (UncheckedIOException | IllegalArgumentException e) {
            throw new ControllerStateException("the controller state in " + dir + " is damaged: " + e.getMessage(), e);
        }
    }

    /**
     * A CA as the state holds it: the root with its key (the first controller), or this
     * controller's intermediate with its key and the root's certificate alone (a joined one).
     */
    private static CertKey readCa(Path root, String rootCrt, String rootKey, String intermediateCrt, String intermediateKey) {
        X509Certificate rootCertificate = Pem.readCertificate(root.resolve(rootCrt));
        if (Files.exists(root.resolve(rootKey))) {
            return new CertKey(rootCertificate, Pem.readPrivateKey(root.resolve(rootKey)));
        }
        return new CertKey(List.of(Pem.readCertificate(root.resolve(intermediateCrt)), rootCertificate),
                Pem.readPrivateKey(root.resolve(intermediateKey)));
    }

    // ------------------------------------------------------------------ what it holds

    public Path dir() {
        return dir;
    }

    public CertificateAuthority fleetCa() {
        return fleetCa;
    }

    public CertificateAuthority productCa() {
        return productCa;
    }

    /**
     * The controller-peer CA: its own root (not the fleet CA), signing only controllers'
     * certificates for the event bus between controllers, so an agent's or the admin's
     * certificate is never accepted there. Made here, under the state's lock, for a state that
     * predates it; its key stays in {@code ca/controller-peer-ca.key} (0600).
     */
    public synchronized CertificateAuthority peerCa() {
        if (peerCa == null) {
            CertKey read = locked(() -> {
                if (!Files.exists(dir.resolve(PEER_CA_CRT))) {   // written after its key: present means complete
                    IssuedEntry entry = createPeerCa(dir, config.fleetId(), Instant.now());
                    IssuedLedger.record(dir.resolve(ISSUED), entry);
                }
                try {
                    return readCa(dir, PEER_CA_CRT, PEER_CA_KEY, PEER_INTERMEDIATE_CRT, PEER_INTERMEDIATE_KEY);
                } catch (UncheckedIOException | IllegalArgumentException e) {
                    throw new ControllerStateException("the controller-peer CA in " + dir + " is damaged: " + e.getMessage(), e);
                }
            });
            peerCa = new CertificateAuthority(PEER_CA_NAME, read.chain(), read.key(), ledger);
        }
        return peerCa;
    }

    public SecretBox secrets() {
        return secrets;
    }

    /** {@code HOST:PORT} where agents reach the controller's API. */
    public String advertise() {
        return config.advertise();
    }

    public Instant createdAt() {
        return config.createdAt();
    }

    /** A short random id of this fleet, in both CAs' names. */
    public String fleetId() {
        return config.fleetId();
    }

    /** The admin client certificate {@code fleet init} wrote for the CLI. */
    public X509Certificate adminCertificate() {
        return Pem.readCertificate(dir.resolve(ADMIN_CRT));
    }

    public JoinTokens tokens() {
        return new JoinTokens(this);
    }

    public AgentRegistry agents() {
        return new AgentRegistry(this);
    }

    /** The revoked serials as they are now on disk, re-read whenever revoked.json changes. */
    public RevocationList revocations() {
        return RevocationList.watching(dir.resolve(REVOKED), fleetCa.root().getSubjectX500Principal().getName());
    }

    public Enrollment enrollment() {
        return new Enrollment(this);
    }

    /** The entries of this state that clustered controllers share (tokens' hashes, agents, revocations). */
    public StateEntries entries() {
        return new StateEntries(this);
    }

    /**
     * Clustered: join tokens are spent through {@code cluster} as well as in this state, so a
     * token is spent once in the whole cluster ({@link TokenClaims#LOCAL} until then).
     */
    public void claimTokensThrough(TokenClaims cluster) {
        this.claims = java.util.Objects.requireNonNull(cluster, "cluster");
    }

    TokenClaims claims() {
        return claims;
    }

    /** Controllers joining the fleet ({@code fleet controller join}): intermediates signed by this state's roots. */
    public ControllerAdmission admission() {
        return new ControllerAdmission(this);
    }

    // ------------------------------------------------------------------ leadership epoch

    /**
     * Takes the next leadership epoch: one above the highest this controller has acted under or
     * seen ({@code <state>/epoch}, synced before it is returned), so a lone controller also starts
     * above the epochs of an earlier clustered run. A controller takes one when it starts acting;
     * every command it sends carries it, and an agent refuses commands stamped with an epoch older
     * than the newest it has seen.
     */
    public long nextEpoch() {
        return locked(() -> {
            long next = readEpoch() + 1;
            writeEpoch(next);
            return next;
        });
    }

    /** The highest leadership epoch this controller has acted under or seen; 0 when none. */
    public long highestEpoch() {
        return locked(this::readEpoch);
    }

    /**
     * Writes {@code epoch} down (synced) when it is higher than the highest so far: a clustered
     * controller records every epoch it acts under or sees a leader act under, because its CP
     * group's counters do not outlive a full restart of the cluster.
     *
     * @return the highest epoch after this
     */
    public long raiseEpoch(long epoch) {
        return locked(() -> {
            long current = readEpoch();
            if (epoch <= current) {
                return current;
            }
            writeEpoch(epoch);
            return epoch;
        });
    }

    private long readEpoch() {
        Path file = dir.resolve(EPOCH);
        try {
            return Files.exists(file) ? Long.parseLong(Files.readString(file).trim()) : 0;
        } catch (IOException | NumberFormatException e) {
            throw new ControllerStateException("cannot read the leadership epoch " + file + ": " + e.getMessage());
        }
    }

    private void writeEpoch(long epoch) {
        SecureFiles.writePrivate(dir.resolve(EPOCH), (epoch + "\n").getBytes(StandardCharsets.UTF_8));
    }

    // ------------------------------------------------------------------ locking and journal

    /**
     * Runs {@code action} holding the state's lock: one thread of this JVM at a time, and an
     * exclusive {@code flock} on {@code <state>/lock} against other processes. Reentrant.
     */
    public <T> T locked(Supplier<T> action) {
        ReentrantLock lock = LOCKS.computeIfAbsent(dir, d -> new ReentrantLock());
        lock.lock();
        try {
            if (lock.getHoldCount() > 1) {
                return action.get();
            }
            try (FileChannel channel = FileChannel.open(dir.resolve("lock"),
                    Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE), SecureFiles.attributes(SecureFiles.PRIVATE));
                 FileLock ignored = channel.lock()) {
                return action.get();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot lock " + dir.resolve("lock") + ": " + e.getMessage(), e);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Appends one event to {@code journal/events.ndjson}:
     * {@code {"time":"...","type":"...","fields":{...}}}. Never pass a secret; as a last line of
     * defence, a string shaped like a join token or holding a PEM private key is written as
     * {@code (redacted)}.
     */
    public void record(String type, Map<String, Object> fields) {
        record(Instant.now(), type, fields);
    }

    /** {@link #record(String, Map)} at {@code time}: an entry another controller of the cluster journaled. */
    public void record(Instant time, String type, Map<String, Object> fields) {
        ObjectNode event = StateJson.LINES.createObjectNode();
        event.put("time", time.toString());
        event.put("type", type);
        Map<String, Object> safe = new LinkedHashMap<>();
        if (fields != null) {
            fields.forEach((k, v) -> safe.put(k, redacted(v)));
        }
        event.set("fields", StateJson.LINES.valueToTree(safe));
        byte[] line;
        try {
            line = (StateJson.LINES.writeValueAsString(event) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        locked(() -> {
            SecureFiles.appendPrivate(dir.resolve(JOURNAL), line);
            return null;
        });
    }

    /** Every event recorded so far, oldest first (for tests and {@code fleet} output). */
    public List<Map<String, Object>> journal() {
        Path file = dir.resolve(JOURNAL);
        if (!Files.exists(file)) {
            return List.of();
        }
        try (Stream<String> lines = Files.lines(file)) {
            List<Map<String, Object>> events = new ArrayList<>();
            for (String line : (Iterable<String>) lines::iterator) {
                if (!line.isBlank()) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> event = StateJson.LINES.readValue(line, Map.class);
                    events.add(event);
                }
            }
            return events;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static Object redacted(Object value) {
        if (value instanceof CharSequence text) {
            String s = text.toString();
            if (s.contains("PRIVATE KEY") || TOKEN_SHAPED.matcher(s).matches()) {
                return "(redacted)";
            }
        }
        return value;
    }

    // ------------------------------------------------------------------ files of this package

    static final String CONFIG = "config.json";
    static final String MASTER_KEY = "master.key";
    static final String FLEET_CA_CRT = "ca/fleet-ca.crt";
    static final String FLEET_CA_KEY = "ca/fleet-ca.key";
    static final String PRODUCT_CA_CRT = "ca/product-ca.crt";
    static final String PRODUCT_CA_KEY = "ca/product-ca.key";
    static final String PEER_CA_CRT = "ca/controller-peer-ca.crt";
    static final String PEER_CA_KEY = "ca/controller-peer-ca.key";
    static final String PEER_CA_NAME = "controller-peer";
    static final String FLEET_INTERMEDIATE_CRT = "ca/fleet-intermediate.crt";
    static final String FLEET_INTERMEDIATE_KEY = "ca/fleet-intermediate.key";
    static final String PRODUCT_INTERMEDIATE_CRT = "ca/product-intermediate.crt";
    static final String PRODUCT_INTERMEDIATE_KEY = "ca/product-intermediate.key";
    static final String PEER_INTERMEDIATE_CRT = "ca/controller-peer-intermediate.crt";
    static final String PEER_INTERMEDIATE_KEY = "ca/controller-peer-intermediate.key";
    static final String ISSUED = "ca/issued.json";
    static final String ADMIN_CRT = "admin/admin.crt";
    static final String ADMIN_KEY = "admin/admin.key";
    static final String ADMIN_CA_CRT = "admin/ca.crt";
    static final String TOKENS = "tokens.json";
    static final String AGENTS = "agents.json";
    static final String REVOKED = "revoked.json";
    static final String JOURNAL = "journal/events.ndjson";
    static final String EPOCH = "epoch";

    Path file(String relative) {
        return dir.resolve(relative);
    }

    private X509Certificate issueUnique(String ca, Function<BigInteger, X509Certificate> sign) {
        return locked(() -> IssuedLedger.issueUnique(dir.resolve(ISSUED), ca, sign));
    }

    // ------------------------------------------------------------------ helpers

    /** {@code HOST:PORT} checked: a DNS name, IPv4 address or {@code [IPv6]}, and a port 1..65535. */
    public static String checkAdvertise(String advertise) {
        var m = ADVERTISE.matcher(advertise == null ? "" : advertise);
        if (!m.matches()) {
            throw new IllegalArgumentException("--advertise must be HOST:PORT (e.g. controller.apim.example:7443), not '" + advertise + "'");
        }
        int port = Integer.parseInt(m.group(3));
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("--advertise port must be 1..65535, not " + port);
        }
        return advertise;
    }

    private static String defaultHost() {
        for (Path file : List.of(Path.of("/proc/sys/kernel/hostname"), Path.of("/etc/hostname"))) {
            try {
                String name = Files.readString(file).trim();
                if (!name.isEmpty()) {
                    return name.toLowerCase(Locale.ROOT);
                }
            } catch (IOException | SecurityException ignored) {
                // try the next source
            }
        }
        try {
            return InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
        } catch (IOException e) {
            return "localhost";
        }
    }

    /** Writes a new controller-peer CA's certificate and key into {@code root}; returns its ledger entry. */
    private static IssuedEntry createPeerCa(Path root, String fleetId, Instant now) {
        KeyPair keys = Keys.ecP256();
        BigInteger serial = CertificateAuthority.randomSerial();
        X509Certificate certificate = CertificateAuthority.selfSigned(keys, caName("apim-fleet controller-peer CA " + fleetId), serial, now, CA_VALIDITY);
        // the key first: a certificate without its key would read as a damaged state
        writePrivatePem(root.resolve(PEER_CA_KEY), keys.getPrivate());
        writePrivatePem(root.resolve(PEER_CA_CRT), certificate);
        return new IssuedEntry(PEER_CA_NAME, serial.toString(16), certificate.getSubjectX500Principal().getName(),
                certificate.getNotAfter().toInstant(), now);
    }

    private static X500Name caName(String commonName) {
        return new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, "apim-fleet")
                .addRDN(BCStyle.CN, commonName)
                .build();
    }

    private static void writePrivatePem(Path file, Object certOrKey) {
        SecureFiles.writePrivate(file, Pem.write(certOrKey).getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        Crypto.RANDOM.nextBytes(bytes);
        return bytes;
    }

    private static void refuseUnlessEmptyDirectory(Path root, Path given, String command) {
        if (!Files.isDirectory(root)) {
            throw new ControllerStateException(given + " exists and is not a directory; " + command + " never overwrites");
        }
        if (!entries(root).isEmpty()) {
            String what = Files.exists(root.resolve(CONFIG)) ? " already holds a controller state" : " is not empty";
            throw new ControllerStateException(given + what + "; " + command + " never overwrites: give a new or empty directory");
        }
    }

    private static List<Path> entries(Path dir) {
        try (Stream<Path> list = Files.list(dir)) {
            return list.toList();
        } catch (IOException e) {
            throw new ControllerStateException("cannot read " + dir + ": " + e.getMessage(), e);
        }
    }

    /** After a failed init: removes what it wrote (the directory was empty or absent before). */
    private static void cleanUp(Path root, boolean created) {
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                if (!p.equals(root) || created) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException | UncheckedIOException ignored) {
            // best effort: the error that caused the clean-up is what the user needs to see
        }
    }
}
