package io.apimfleet.protocol.bundle;

import com.fasterxml.jackson.annotation.JsonTypeName;

/**
 * Brings back the commented-out element at {@code xpath}, in either comment style:
 * {@code <!-- <X>v</X> -->} or WSO2's {@code <!--X>v</X-->}. Already active is "no change".
 */
@JsonTypeName("xml.uncomment")
public record XmlUncomment(String file, String xpath, boolean all) implements XmlOperation {
}
