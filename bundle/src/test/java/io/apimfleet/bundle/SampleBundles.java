package io.apimfleet.bundle;

import io.apimfleet.protocol.bundle.Anchor;
import io.apimfleet.protocol.bundle.Bundle;
import io.apimfleet.protocol.bundle.DirPrune;
import io.apimfleet.protocol.bundle.FileDelete;
import io.apimfleet.protocol.bundle.FileMove;
import io.apimfleet.protocol.bundle.FileWrite;
import io.apimfleet.protocol.bundle.PropertiesSet;
import io.apimfleet.protocol.bundle.XmlComment;
import io.apimfleet.protocol.bundle.XmlEnsure;
import io.apimfleet.protocol.bundle.XmlSet;
import io.apimfleet.protocol.bundle.XmlUncomment;

import java.util.List;

/** Bundles over the project's own small home ({@link Homes#mini}). */
public final class SampleBundles {
    public static final String CARBON = "repository/conf/carbon.xml";
    public static final String AXIS2 = "repository/conf/axis2/axis2.xml";
    public static final String REGISTRY = "repository/conf/registry.xml";
    public static final String JNDI = "repository/conf/jndi.properties";
    public static final String WEBAPPS = "repository/deployment/server/webapps";

    private SampleBundles() {
    }

    /** A bundle touching many files with every kind of operation. */
    public static Bundle multiFile(long revision) {
        return new Bundle("km1", revision, List.of(
                new XmlUncomment(CARBON, "/Server/HostName", false),
                XmlSet.text(CARBON, "/Server/HostName", "km1.example"),
                XmlSet.text(CARBON, "/Server/Ports/Offset", "1"),
                XmlSet.text(CARBON, "/Server/Security/KeyStore/Password", "${secret:keystore-password}"),
                XmlEnsure.value(CARBON, "/Server/MgtHostName", "km1.example", Anchor.after("/Server/HostName")),
                new XmlComment(AXIS2, "/axisconfig/transportSender[@name='ws']", false),
                new FileMove("repository/conf/registry_TM.xml", REGISTRY),
                XmlEnsure.value(REGISTRY, "/wso2registry/indexingConfiguration/startIndexing", "false", null),
                new PropertiesSet(JNDI, "topic.throttleData", "throttleData2"),
                new DirPrune(WEBAPPS, List.of("oauth2")),
                new FileDelete("repository/deployment/server/jaggeryapps/publisher"),
                FileWrite.text("repository/conf/fleet-node.txt", "node=km1\n", "0640")));
    }
}
