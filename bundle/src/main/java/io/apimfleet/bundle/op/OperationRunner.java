package io.apimfleet.bundle.op;

import io.apimfleet.bundle.BundleException;
import io.apimfleet.protocol.bundle.OperationResult;
import io.apimfleet.bundle.stage.Durable;
import io.apimfleet.bundle.stage.HomePath;
import io.apimfleet.bundle.stage.HomeView;
import io.apimfleet.bundle.keystore.KeystoreEditor;
import io.apimfleet.bundle.keystore.PemMaterial;
import io.apimfleet.bundle.xml.XmlEditException;
import io.apimfleet.bundle.xml.XmlEditor;
import io.apimfleet.bundle.xml.XmlText;
import io.apimfleet.protocol.bundle.DirPrune;
import io.apimfleet.protocol.bundle.FileCopy;
import io.apimfleet.protocol.bundle.FileDelete;
import io.apimfleet.protocol.bundle.FileMove;
import io.apimfleet.protocol.bundle.FileWrite;
import io.apimfleet.protocol.bundle.KeystoreKey;
import io.apimfleet.protocol.bundle.KeystoreOperation;
import io.apimfleet.protocol.bundle.KeystoreTrust;
import io.apimfleet.protocol.bundle.Operation;
import io.apimfleet.protocol.bundle.PropertiesSet;
import io.apimfleet.protocol.bundle.XmlComment;
import io.apimfleet.protocol.bundle.XmlEnsure;
import io.apimfleet.protocol.bundle.XmlReplace;
import io.apimfleet.protocol.bundle.XmlSet;
import io.apimfleet.protocol.bundle.XmlUncomment;

import java.nio.charset.Charset;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Runs one operation against the staged view. Errors name the operation, file and XPath. */
public final class OperationRunner {
    private final HomeView view;
    private final SecretValues secrets;

    public OperationRunner(HomeView view, SecretValues secrets) {
        this.view = view;
        this.secrets = secrets;
    }

    @FunctionalInterface
    private interface TextEdit {
        String apply(String text) throws XmlEditException;
    }

    public OperationResult run(int index, Operation op) {
        if (op == null) {
            throw new BundleException("operation " + (index + 1) + " is empty");
        }
        String where = "operation " + (index + 1) + " (" + op.describe() + ")";
        try {
            String detail = execute(op, where);
            return new OperationResult(index, op.describe(), detail != null, detail == null ? "no change" : detail);
        } catch (XmlEditException e) {
            throw new BundleException(where + ": " + e.getMessage());
        } catch (BundleException e) {
            throw e.getMessage().startsWith("operation ") ? e : new BundleException(where + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new BundleException(where + ": " + e.getMessage());
        }
    }

    /** The change's detail, or null when the operation found everything as wanted. */
    private String execute(Operation op, String where) throws XmlEditException {
        if (op instanceof XmlSet s) {
            require(where, "file", s.file(), "xpath", s.xpath(), "value", s.value());
            String value = secrets.resolve(s.value(), where);
            return editXml(s.file(), s.attribute() == null
                    ? text -> XmlEditor.setText(text, s.xpath(), value, s.all())
                    : text -> XmlEditor.setAttribute(text, s.xpath(), s.attribute(), value, s.all()), "set");
        }
        if (op instanceof XmlEnsure e) {
            require(where, "file", e.file(), "xpath", e.xpath());
            if ((e.value() == null) == (e.fragment() == null)) {
                throw new BundleException(where + ": give exactly one of 'value' and 'fragment'");
            }
            String after = e.anchor() == null ? null : e.anchor().after();
            String inside = e.anchor() == null ? null : e.anchor().inside();
            if (after != null && inside != null) {
                throw new BundleException(where + ": the anchor names both 'after' and 'inside'; name one");
            }
            if (e.fragment() != null) {
                String fragment = secrets.resolve(e.fragment(), where, XmlText::escapeText);
                return editXml(e.file(), text -> XmlEditor.ensureFragment(text, e.xpath(), fragment, after, inside), "ensured");
            }
            String value = secrets.resolve(e.value(), where);
            return editXml(e.file(), text -> XmlEditor.ensure(text, e.xpath(), value, after, inside), "ensured");
        }
        if (op instanceof XmlReplace r) {
            require(where, "file", r.file(), "xpath", r.xpath(), "fragment", r.fragment());
            String fragment = secrets.resolve(r.fragment(), where, XmlText::escapeText);
            return editXml(r.file(), text -> XmlEditor.replace(text, r.xpath(), fragment, r.all()), "replaced");
        }
        if (op instanceof XmlComment c) {
            require(where, "file", c.file(), "xpath", c.xpath());
            return editXml(c.file(), text -> XmlEditor.comment(text, c.xpath(), c.all()), "commented out");
        }
        if (op instanceof XmlUncomment u) {
            require(where, "file", u.file(), "xpath", u.xpath());
            return editXml(u.file(), text -> XmlEditor.uncomment(text, u.xpath(), u.all()), "uncommented");
        }
        if (op instanceof PropertiesSet p) {
            require(where, "file", p.file(), "key", p.key(), "value", p.value());
            String value = secrets.resolve(p.value(), where);
            return editText(p.file(), StandardCharsets.ISO_8859_1, text -> PropertiesEditor.set(text, p.key(), value), "set " + p.key());
        }
        if (op instanceof FileWrite w) {
            return writeFile(w, where);
        }
        if (op instanceof FileDelete d) {
            require(where, "path", d.path());
            if (!view.exists(d.path())) {
                return null;
            }
            view.delete(d.path());
            return "deleted";
        }
        if (op instanceof FileMove m) {
            return move(m, where);
        }
        if (op instanceof KeystoreKey k) {
            return keystoreKey(k, where);
        }
        if (op instanceof KeystoreTrust t) {
            return keystoreTrust(t, where);
        }
        if (op instanceof FileCopy c) {
            return copy(c, where);
        }
        return prune((DirPrune) op, where);
    }

    /** The edit's detail when the file changed, null when it was already as wanted. */
    private String editXml(String file, TextEdit edit, String detail) throws XmlEditException {
        byte[] before = existing(file);
        return editText(file, TextCodec.xmlCharset(before), edit, detail);
    }

    private String editText(String file, Charset charset, TextEdit edit, String detail) throws XmlEditException {
        byte[] before = existing(file);
        String text = TextCodec.decode(before, charset);
        String after = edit.apply(text);
        if (after.equals(text)) {
            return null;
        }
        view.write(file, TextCodec.encode(after, charset), null);
        return detail;
    }

    private byte[] existing(String file) {
        return view.read(file).orElseThrow(() -> new BundleException("file " + file + " does not exist"));
    }

    private String writeFile(FileWrite w, String where) {
        require(where, "path", w.path(), "content", w.content());
        byte[] content = w.base64() ? w.bytes()
                : secrets.resolve(w.content(), where).getBytes(StandardCharsets.UTF_8);
        Integer mode = w.mode() == null ? null : Durable.parseMode(w.mode());
        byte[] before = view.read(w.path()).orElse(null);
        if (before != null && Arrays.equals(before, content) && (mode == null || mode == view.currentMode(w.path()))) {
            return null;
        }
        view.write(w.path(), content, mode);
        return before == null ? "created" : "written";
    }

    private String keystoreKey(KeystoreKey k, String where) {
        require(where, "path", k.path(), "password", k.password(), "alias", k.alias(), "key", k.key());
        PrivateKey key = PemMaterial.privateKey(secrets.resolve(k.key(), where), "the key of " + k.alias());
        List<X509Certificate> chain = PemMaterial.certificates(k.chain(), "the chain of " + k.alias());
        if (chain.isEmpty() || !PemMaterial.belongTogether(key, chain.get(0))) {
            throw new BundleException(where + ": the key of " + k.alias() + " does not belong to the first certificate of its chain");
        }
        KeystoreEditor store = openStore(k, where);
        store.putKey(k.alias(), key, chain, k.onlyKey());
        return writeStore(k.path(), store, "key " + k.alias());
    }

    private String keystoreTrust(KeystoreTrust t, String where) {
        require(where, "path", t.path(), "password", t.password());
        Map<String, X509Certificate> trusted = new TreeMap<>();
        t.certificates().forEach((alias, pem) -> trusted.put(alias, PemMaterial.certificates(pem, "certificate " + alias).get(0)));
        KeystoreEditor store = openStore(t, where);
        store.putTrusted(trusted);
        return writeStore(t.path(), store, "trusted " + String.join(", ", trusted.keySet()));
    }

    private KeystoreEditor openStore(KeystoreOperation k, String where) {
        String password = secrets.resolve(k.password(), where);
        List<String> previous = k.previousPasswords().stream().map(p -> secrets.resolve(p, where)).toList();
        return KeystoreEditor.open("keystore " + k.path(), view.read(k.path()).orElse(null), password, previous);
    }

    private String writeStore(String path, KeystoreEditor store, String detail) {
        if (!store.changed()) {
            return null;
        }
        boolean created = !view.isFile(path);
        view.write(path, store.toBytes(), created ? 0600 : null);
        return (created ? "created with " : "set ") + detail;
    }

    private String move(FileMove m, String where) {
        require(where, "from", m.from(), "to", m.to());
        if (view.isDirectory(m.from())) {
            throw new BundleException(where + ": " + m.from() + " is a directory; file.move moves files");
        }
        byte[] content = view.read(m.from()).orElse(null);
        if (content == null) {
            if (view.isFile(m.to())) {
                return null;   // moved by an earlier run
            }
            throw new BundleException(where + ": neither " + m.from() + " nor " + m.to() + " exists");
        }
        int mode = view.currentMode(m.from());
        view.write(m.to(), content, mode);
        view.delete(m.from());
        return "moved";
    }

    private String copy(FileCopy c, String where) {
        require(where, "from", c.from(), "to", c.to());
        byte[] content = view.read(c.from())
                .orElseThrow(() -> new BundleException(where + ": " + c.from() + " does not exist"));
        byte[] existing = view.read(c.to()).orElse(null);
        if (existing != null && Arrays.equals(existing, content)) {
            return null;
        }
        view.write(c.to(), content, view.currentMode(c.from()));
        return "copied";
    }

    private String prune(DirPrune p, String where) {
        require(where, "path", p.path());
        if (!view.isDirectory(p.path())) {
            throw new BundleException(where + ": directory " + p.path() + " does not exist");
        }
        Set<String> keep = new HashSet<>(p.keep());
        String dir = HomePath.normalize(p.path());
        List<String> removed = view.list(dir).stream()
                .filter(name -> !keep.contains(name) && !keep.contains(webappName(name)))
                .toList();
        removed.forEach(name -> view.delete(dir + "/" + name));
        return removed.isEmpty() ? null : "removed " + String.join(", ", removed);
    }

    /** A web application is one entry whether packed ({@code x.war}) or exploded ({@code x/}). */
    private static String webappName(String entry) {
        return entry.endsWith(".war") ? entry.substring(0, entry.length() - 4) : entry;
    }

    private static void require(String where, Object... namesAndValues) {
        for (int i = 0; i < namesAndValues.length; i += 2) {
            if (namesAndValues[i + 1] == null) {
                throw new BundleException(where + ": field '" + namesAndValues[i] + "' is required");
            }
        }
    }
}
