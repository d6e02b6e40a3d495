package io.certdesk.intake;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;

import io.certdesk.config.CertdeskProperties;
import io.certdesk.notify.MailServerTrust;
import io.certdesk.notify.Notifier;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.mail.FetchProfile;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.UIDFolder;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.transaction.CannotCreateTransactionException;

/**
 * Polls the support inbox over IMAP. A mail leaves the inbox only after its intake transaction committed:
 * requests go to the processed folder, mails without a CSR to the not-a-request folder, auto-replies to the
 * ignored folder. A mail that carried a private key, or may have (not read in full, or a copy of one that did), is
 * deleted, or moved to the quarantine folder when one is set, so no key is kept. Whatever is still in
 * the inbox is unprocessed, so a crash or an IMAP outage skips nothing, and Message-ID keys make a second
 * reading harmless (also with several nodes polling one inbox).
 */
public class SupportInboxPoller implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SupportInboxPoller.class);
    static final int MAX_ATTEMPTS = 5;
    static final String NEEDS_ATTENTION_FOLDER = "Needs-attention";

    private final CertdeskProperties.Intake settings;
    private final IntakeService intake;
    private final Map<String, Integer> failures = new HashMap<>();
    private ThreadPoolTaskScheduler scheduler;
    private Store store;
    private volatile boolean running;
    private volatile Instant lastSuccess;
    private volatile String lastError;
    private final Counter errors;
    private final Counter setAside;

    private final InboxLease lease;
    private final Notifier notifier;
    private InboxWatcher watcher;
    private final AtomicBoolean passQueued = new AtomicBoolean();
    private volatile Instant lastPass;
    /** The last pass saw more mail than it takes in at once: the next one follows at once, pushed or not. */
    private volatile boolean moreWaiting;
    private MailAuthenticator authenticator;
    private MailServerTrust trust;

    /** The certificates to trust for the inbox server's TLS; null: the JVM's trusted CAs. */
    public void setTrust(MailServerTrust trust) {
        this.trust = trust;
    }

    /** Checks each mail's DKIM signatures with {@code authenticator}; without one, mails are taken in unchecked. */
    public void setAuthenticator(MailAuthenticator authenticator) {
        this.authenticator = authenticator;
    }

    private IncomingMail authenticated(IncomingMail mail, Message message) throws MessagingException, IOException {
        if (authenticator == null) {
            return mail;
        }
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        message.writeTo(raw);
        return mail.withAuthenticity(authenticator.check(raw.toByteArray(), mail.fromAddress()));
    }

    public SupportInboxPoller(CertdeskProperties.Intake settings, IntakeService intake, InboxLease lease,
                              MeterRegistry metrics, Notifier notifier) {
        this.settings = settings;
        this.notifier = notifier;
        this.intake = intake;
        this.lease = lease;
        this.errors = metrics.counter("certdesk.mail.errors", "direction", "in");
        this.setAside = metrics.counter("certdesk.mails.needs.attention");
    }

    @Override
    public void start() {
        // a pass queued when the poller was last stopped was dropped with its scheduler: never wait for it
        passQueued.set(false);
        scheduler = new ThreadPoolTaskScheduler();
        scheduler.setThreadNamePrefix("support-inbox-");
        scheduler.initialize();
        scheduler.scheduleWithFixedDelay(this::scheduledPass, Instant.now().plusMillis(200), settings.pollInterval());
        running = true;
        if (settings.idle()) {
            watcher = new InboxWatcher(this::openStore, settings.folder(), this::passNow);
            watcher.start();
        }
        log.info("Reading {}://{}:{} as {}: {}", settings.protocol(), settings.host(), settings.port(), settings.username(),
                settings.idle() ? "new mail pushed with IMAP IDLE, polling every " + settings.pollInterval() + " when IDLE is unavailable"
                        : "polling every " + settings.pollInterval());
    }

    /**
     * The periodic pass: every poll interval while new mail is not pushed (no IDLE, or its connection is being
     * re-opened); while IDLE works, only every idle-sweep interval, for a notification that went missing.
     */
    private void scheduledPass() {
        // mail that failed, or a pass that failed (database or inbox away), is tried again at the poll interval, pushed or not
        if (watcher != null && watcher.mode() == InboxWatcher.Mode.IDLE && lastPass != null && lastError == null && failures.isEmpty() && !moreWaiting
                && Duration.between(lastPass, Instant.now()).compareTo(settings.idleSweepInterval()) < 0) {
            return;
        }
        pollQuietly();
    }

    /** A pass as soon as possible, once however many notifications come in before it starts. */
    private void passNow() {
        if (running && passQueued.compareAndSet(false, true)) {
            try {
                scheduler.execute(() -> {
                    passQueued.set(false);
                    pollQuietly();
                });
            } catch (RuntimeException shuttingDown) {
                passQueued.set(false);
            }
        }
    }

    /**
     * How long the inbox may go unread before health reports it down: ten poll intervals and 30 s while polling,
     * two sweep intervals and 30 s while IDLE pushes new mail (passes then run only when mail comes, or per sweep).
     */
    public Duration healthyWithin() {
        if (watcher != null && watcher.mode() == InboxWatcher.Mode.IDLE) {
            return settings.idleSweepInterval().multipliedBy(2).plusSeconds(30);
        }
        return settings.pollInterval().multipliedBy(10).plusSeconds(30);
    }

    /** How new mail is found now: "idle" (pushed) or "polling", and why; for health. */
    public String mode() {
        if (watcher == null) {
            return "polling";
        }
        return watcher.mode().name().toLowerCase(Locale.ROOT);
    }

    public String modeReason() {
        return watcher == null ? "IMAP IDLE is off (certdesk.intake.idle)" : watcher.reason() + " since " + watcher.since();
    }

    @Override
    public void stop() {
        running = false;
        if (watcher != null) {
            watcher.stop();
        }
        if (scheduler != null) {
            scheduler.shutdown();
        }
        closeStore();
        try {
            lease.release();
        } catch (RuntimeException databaseGone) {
            // the lease runs out by itself
        }
    }

    /** When the inbox was last read without error; null before the first success. */
    public Instant lastSuccess() {
        return lastSuccess;
    }

    public String lastError() {
        return lastError;
    }

    public Duration pollInterval() {
        return settings.pollInterval();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        // start after the process engine, stop before it
        return Integer.MAX_VALUE - 100;
    }

    private void pollQuietly() {
        lastPass = Instant.now();
        try {
            if (!lease.acquire()) {
                // another node reads the inbox; stay healthy, stay ready to take over
                lastSuccess = Instant.now();
                closeStore();
                return;
            }
            poll();
            lastSuccess = Instant.now();
            lastError = null;
            if (moreWaiting) {
                // a full batch was taken in and more waits: IDLE announced it already, so nothing else would
                passNow();
            }
        } catch (MessagingException | RuntimeException | StackOverflowError e) {
            log.warn("Taking in mail failed (inbox or database unreachable), will retry: {}", e.getMessage());
            lastError = e.toString();
            errors.increment();
            closeStore();
        }
    }

    /** One pass over the inbox; returns how many mails were taken in. */
    public synchronized int poll() throws MessagingException {
        Folder inbox = connect().getFolder(settings.folder());
        inbox.open(Folder.READ_WRITE);
        try {
            int count = inbox.getMessageCount();
            moreWaiting = count > settings.maxMailsPerPoll();
            if (count == 0) {
                return 0;
            }
            long maxSize = settings.maxMailSize().toBytes();
            Message[] messages = fetchBatch(inbox, count, maxSize);
            Pass pass = new Pass();
            for (Message message : messages) {
                if (!message.isSet(Flags.Flag.DELETED)) {
                    takeIn(inbox, message, maxSize, pass);
                }
            }
            takeOutKeyBearing(inbox, pass);
            fileByOutcome(inbox, pass);
            setAsidePoisoned(inbox, pass.poisoned(), maxSize);
            int taken = pass.taken();
            log.debug("Took in {} of {} mail(s) in the inbox", taken, count);
            return taken;
        } finally {
            if (inbox.isOpen()) {
                inbox.close(true);
            }
        }
    }

    /** What one pass did with the mails of its batch, by what happens to them next. */
    private record Pass(Map<IntakeService.Outcome, List<Message>> done, List<Message> poisoned, List<Message> keyBearing) {

        Pass() {
            this(new EnumMap<>(IntakeService.Outcome.class), new ArrayList<>(), new ArrayList<>());
        }

        int taken() {
            return done.values().stream().mapToInt(List::size).sum();
        }
    }

    /**
     * The first mails of the inbox, at most a batch: envelope, size, flags and UID in one round trip, then the
     * whole mails (all but the oversized ones) in one more.
     */
    private Message[] fetchBatch(Folder inbox, int count, long maxSize) throws MessagingException {
        Message[] messages = inbox.getMessages(1, Math.min(count, settings.maxMailsPerPoll()));
        FetchProfile profile = new FetchProfile();
        profile.add(FetchProfile.Item.ENVELOPE);
        profile.add(FetchProfile.Item.CONTENT_INFO);
        profile.add(FetchProfile.Item.SIZE);
        // flags too: asking for them mail by mail costs a round trip each (~40 ms with delayed ACKs)
        profile.add(FetchProfile.Item.FLAGS);
        profile.add(UIDFolder.FetchProfileItem.UID);
        inbox.fetch(messages, profile);
        // the whole mails in one round trip for the batch, not one per MIME part per mail; oversized ones never
        FetchProfile whole = new FetchProfile();
        whole.add(IMAPFolder.FetchProfileItem.MESSAGE);
        inbox.fetch(Arrays.stream(messages).filter(m -> sizeOf(m) <= maxSize).toArray(Message[]::new), whole);
        return messages;
    }

    /**
     * Takes one mail in (its intake transaction commits here) and notes in {@code pass} where it goes; a mail that
     * failed {@link #MAX_ATTEMPTS} times is noted as poisoned. A database outage ends the pass.
     */
    private void takeIn(Folder inbox, Message message, long maxSize, Pass pass) {
        String id = null;
        String uid = uidOf(inbox, message);
        try {
            long size = sizeOf(message);
            IncomingMail mail = size > maxSize
                    ? MailReader.readHeadersOnly((MimeMessage) message, size, maxSize, "<" + uid.replace(' ', '-').replace('/', '.') + "@certdesk.too-large>")
                    : authenticated(MailReader.read((MimeMessage) message), message);
            id = mail.messageId();
            IntakeService.Result result = intake.accept(mail);
            pass.done().computeIfAbsent(result.outcome(), o -> new ArrayList<>()).add(message);
            if (result.mayHoldPrivateKey()) {
                pass.keyBearing().add(message);
            }
            failures.remove(uid);
            if (result.reference() != null) {
                log.info("Mail {} from {} -> {} {}", id, mail.fromAddress(), result.reference(), result.outcome());
            }
        } catch (DuplicateKeyException takenByAnotherNode) {
            log.debug("Mail {} was taken in by another node", id);
        } catch (Exception | StackOverflowError e) {
            // a stack overflow is the mail's doing (data nested to defeat a parser): counted like any other failure,
            // so the mail is set aside after its last attempt instead of ending every pass
            if (isOutage(e)) {
                // the database, not the mail: stop this pass, leave the mail where it is, count nothing against it
                throw new IllegalStateException("database unavailable while taking in mail: " + e.getMessage(), e);
            }
            if (isGone(message)) {
                log.debug("Mail {} left the inbox while being read (another node took it)", uid);
                return;
            }
            String key = uid;
            int attempts = failures.merge(key, 1, Integer::sum);
            log.error("Mail {} could not be taken in (attempt {} of {}): {}", key, attempts, MAX_ATTEMPTS, e.toString(), e);
            if (attempts >= MAX_ATTEMPTS) {
                pass.poisoned().add(message);
                failures.remove(key);
            }
        }
    }

    /** Mail that carried or may carry a private key leaves the mailbox first, whatever else came of it. */
    private void takeOutKeyBearing(Folder inbox, Pass pass) throws MessagingException {
        if (!pass.keyBearing().isEmpty()) {
            log.info("{} mail(s) carried or may carry a private key and leave the mailbox ({})", pass.keyBearing().size(),
                    settings.quarantines() ? "moved to " + settings.quarantineFolder() : "deleted");
            removeKeyBearing(inbox, current(inbox, pass.keyBearing()));
        }
    }

    /** The rest of what was taken in goes to the folder of its outcome. */
    private void fileByOutcome(Folder inbox, Pass pass) throws MessagingException {
        for (Map.Entry<IntakeService.Outcome, List<Message>> entry : pass.done().entrySet()) {
            List<Message> rest = new ArrayList<>(entry.getValue());
            rest.removeAll(pass.keyBearing());
            if (rest.isEmpty()) {
                continue;
            }
            Message[] batch = current(inbox, rest);
            switch (entry.getKey()) {
                case PRIVATE_KEY_REFUSED -> removeKeyBearing(inbox, batch);
                case NOT_A_REQUEST_STARTED -> move(inbox, batch, settings.notARequestFolder());
                case AUTO_REPLY_IGNORED -> move(inbox, batch, settings.ignoredFolder());
                default -> move(inbox, batch, settings.processedFolder());
            }
        }
    }

    /**
     * Mail that failed {@link #MAX_ATTEMPTS} times: answered and removed when it may hold a private key, else moved
     * to {@link #NEEDS_ATTENTION_FOLDER} for a person to look at.
     */
    private void setAsidePoisoned(Folder inbox, List<Message> poisoned, long maxSize) throws MessagingException {
        if (poisoned.isEmpty()) {
            return;
        }
        setAside.increment(poisoned.size());
        List<Message> kept = new ArrayList<>();
        for (Message message : current(inbox, poisoned)) {
            if (mayHoldPrivateKey(message, maxSize)) {
                answerUnreadable(message, uidOf(inbox, message));
                removeKeyBearing(inbox, new Message[]{message});
            } else {
                kept.add(message);
            }
        }
        if (!kept.isEmpty()) {
            log.error("{} mail(s) failed {} times and were moved to {} for a person to look at", kept.size(),
                    MAX_ATTEMPTS, NEEDS_ATTENTION_FOLDER);
            move(inbox, kept.toArray(Message[]::new), NEEDS_ATTENTION_FOLDER);
        }
    }

    /**
     * Takes mail that carried, or may carry, a private key out of the mailbox: into the quarantine folder when one
     * is set, else deleted (expunged when the inbox is closed).
     */
    private void removeKeyBearing(Folder inbox, Message[] batch) throws MessagingException {
        if (batch.length == 0) {
            return;
        }
        if (settings.quarantines()) {
            move(inbox, batch, settings.quarantineFolder());
        }
        // also after a move: a server without MOVE copies, and a copy left behind must not keep the key
        Message[] left = Arrays.stream(batch).filter(m -> !m.isExpunged()).toArray(Message[]::new);
        try {
            if (left.length > 0) {
                inbox.setFlags(left, new Flags(Flags.Flag.DELETED), true);
            }
        } catch (MessagingException raced) {
            log.debug("Deleting {} mail(s) raced with another reader: {}", left.length, raced.getMessage());
        }
    }

    /**
     * Whether a mail that could not be taken in may hold a private key: key material in what can be read, a part
     * that could not be read, or signs of a key in its raw bytes. A mail that cannot be read at all counts as one.
     */
    private static boolean mayHoldPrivateKey(Message message, long maxSize) {
        try {
            if (sizeOf(message) > maxSize) {
                return true;
            }
            ByteArrayOutputStream raw = new ByteArrayOutputStream();
            message.writeTo(raw);
            if (KeyMarkers.found(raw.toByteArray())) {
                return true;
            }
            return IntakeService.mayHoldPrivateKey(MailReader.read((MimeMessage) message));
        } catch (Exception | StackOverflowError unreadable) {
            return true;
        }
    }

    /**
     * Tells the sender of a mail that failed to be taken in and leaves the mailbox that it was not processed, so
     * nothing is lost silently; the operator sees the error in the log.
     */
    private void answerUnreadable(Message message, String uid) {
        String sender = null;
        String subject = null;
        boolean autoGenerated = false;
        try {
            MimeMessage mime = (MimeMessage) message;
            InternetAddress from = MailReader.sender(mime);
            sender = from == null ? null : from.getAddress().toLowerCase(Locale.ROOT);
            subject = mime.getSubject();
            autoGenerated = MailReader.isAutoGenerated(mime, from);
        } catch (MessagingException | RuntimeException unreadableHeaders) {
            // the operator is told below; no address to answer
        }
        log.error("Mail {} from {} failed {} times and may hold a private key: it was {} instead of being kept in {}; "
                        + "the sender {}", uid, sender, MAX_ATTEMPTS,
                settings.quarantines() ? "moved to " + settings.quarantineFolder() : "deleted", NEEDS_ATTENTION_FOLDER,
                sender == null || autoGenerated ? "cannot be answered" : "is told");
        if (sender == null || autoGenerated) {
            return;
        }
        try {
            notifier.mailNotTakenIn(sender, uid, subject, mayHoldKeyMaterial(message));
        } catch (RuntimeException mailFailed) {
            log.error("Telling {} that mail {} could not be read failed: {}", sender, uid, mailFailed.toString());
        }
    }

    private static boolean mayHoldKeyMaterial(Message message) {
        try {
            ByteArrayOutputStream raw = new ByteArrayOutputStream();
            message.writeTo(raw);
            return KeyMarkers.found(raw.toByteArray());
        } catch (Exception unreadable) {
            return false;
        }
    }

    /**
     * Moves handled mail out of the inbox. A mail another node moved first is simply gone; if a move fails it
     * stays in the inbox and its Message-ID makes the next reading a no-op that moves it again.
     */
    private void move(Folder inbox, Message[] batch, String folderName) throws MessagingException {
        Folder target = store.getFolder(folderName);
        if (!target.exists()) {
            target.create(Folder.HOLDS_MESSAGES);
        }
        Message[] present = Arrays.stream(batch).filter(m -> !m.isExpunged()).toArray(Message[]::new);
        try {
            if (inbox instanceof IMAPFolder imap) {
                imap.moveMessages(present, target);
            } else {
                inbox.copyMessages(present, target);
                inbox.setFlags(present, new Flags(Flags.Flag.DELETED), true);
            }
        } catch (MessagingException raced) {
            log.debug("Moving {} mail(s) to {} raced with another reader: {}", present.length, folderName, raced.getMessage());
        }
    }

    /**
     * The mails as the server numbers them now, looked up by UID: sequence numbers go stale when someone else
     * (a person with a mail client, say) removes mail from the inbox meanwhile.
     */
    private static Message[] current(Folder inbox, List<Message> handled) throws MessagingException {
        if (!(inbox instanceof UIDFolder uids)) {
            return handled.toArray(Message[]::new);
        }
        long[] wanted = new long[handled.size()];
        for (int i = 0; i < wanted.length; i++) {
            wanted[i] = uids.getUID(handled.get(i));
        }
        return Arrays.stream(uids.getMessagesByUID(wanted)).filter(Objects::nonNull).toArray(Message[]::new);
    }

    /** A stable key for a mail across polls: the folder's UIDVALIDITY and the mail's UID. */
    private static String uidOf(Folder inbox, Message message) {
        try {
            if (inbox instanceof UIDFolder uids) {
                return "uid " + uids.getUIDValidity() + "/" + uids.getUID(message);
            }
        } catch (MessagingException unknown) {
            // fall through
        }
        return "message #" + message.getMessageNumber();
    }

    private static long sizeOf(Message message) {
        try {
            return Math.max(0, message.getSize());
        } catch (MessagingException unknown) {
            return 0;
        }
    }

    /** A failure of what certdesk depends on (no database connection), as opposed to one of the mail itself. */
    static boolean isOutage(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CannotCreateTransactionException
                    || t instanceof DataAccessResourceFailureException
                    || t instanceof TransientDataAccessResourceException
                    || t instanceof SQLTransientConnectionException
                    || t instanceof SQLNonTransientConnectionException
                    || t instanceof ConnectException) {
                return true;
            }
        }
        return false;
    }

    private static boolean isGone(Message message) {
        try {
            return message.isExpunged() || message.isSet(Flags.Flag.DELETED);
        } catch (MessagingException e) {
            return true;
        }
    }

    private Store connect() throws MessagingException {
        if (store != null && store.isConnected()) {
            return store;
        }
        store = openStore(Duration.ofSeconds(30));
        return store;
    }

    /** A new connection to the inbox's server; {@code readTimeout} bounds a wait for the server's answer. */
    private Store openStore(Duration readTimeout) throws MessagingException {
        Properties props = new Properties();
        String protocol = settings.protocol();
        props.put("mail.store.protocol", protocol);
        props.put("mail." + protocol + ".connectiontimeout", "10000");
        props.put("mail." + protocol + ".timeout", String.valueOf(readTimeout.toMillis()));
        props.put("mail." + protocol + ".peek", "true");
        if (trust != null) {
            trust.apply(props, protocol);
        }
        Session session = Session.getInstance(props);
        Store opened = session.getStore(protocol);
        opened.connect(settings.host(), settings.port(), settings.username(), settings.password());
        return opened;
    }

    private void closeStore() {
        try {
            if (store != null) {
                store.close();
            }
        } catch (MessagingException ignored) {
            // closing a broken connection
        } finally {
            store = null;
        }
    }
}
