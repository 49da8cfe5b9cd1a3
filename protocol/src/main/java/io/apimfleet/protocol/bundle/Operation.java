package io.apimfleet.protocol.bundle;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeName;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

import java.util.List;

/**
 * One idempotent step of a bundle against a product home. The JSON form names the operation in
 * {@code op} ({@code "xml.set"}, {@code "file.move"}, ...). Paths are relative to the home.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "op")
@JsonSubTypes({
        @JsonSubTypes.Type(XmlSet.class),
        @JsonSubTypes.Type(XmlEnsure.class),
        @JsonSubTypes.Type(XmlReplace.class),
        @JsonSubTypes.Type(XmlComment.class),
        @JsonSubTypes.Type(XmlUncomment.class),
        @JsonSubTypes.Type(PropertiesSet.class),
        @JsonSubTypes.Type(FileWrite.class),
        @JsonSubTypes.Type(FileDelete.class),
        @JsonSubTypes.Type(FileMove.class),
        @JsonSubTypes.Type(FileCopy.class),
        @JsonSubTypes.Type(DirPrune.class),
        @JsonSubTypes.Type(KeystoreKey.class),
        @JsonSubTypes.Type(KeystoreTrust.class),
})
public sealed interface Operation
        permits XmlOperation, PropertiesSet,
        FileWrite, FileDelete, FileMove, FileCopy, DirPrune, KeystoreOperation {

    /** The operation's name as written in JSON ({@code "xml.set"}, ...). */
    default String op() {
        return getClass().getAnnotation(JsonTypeName.class).value();
    }

    /** The home-relative paths the operation reads or writes, for reports and validation. */
    List<String> paths();

    /** One line for humans; never contains a value (values may be secrets). */
    default String describe() {
        return op() + " " + String.join(" -> ", paths());
    }
}
