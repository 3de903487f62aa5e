package org.swf.testbed.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Responses as Python's xmlrpc.client writes them (supervisord's own encoder), and requests it reads. */
class XmlRpcCodecTest {

    /** Written by {@code xmlrpc.client.dumps(..., methodresponse=True)} of Python 3.11. */
    private static final String PROCESS_INFOS = "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n"
            + "<value><array><data>\n<value><struct>\n<member>\n<name>name</name>\n"
            + "<value><string>a&amp;b &lt;x&gt;</string></value>\n</member>\n<member>\n<name>pid</name>\n"
            + "<value><int>12</int></value>\n</member>\n<member>\n<name>ok</name>\n"
            + "<value><boolean>1</boolean></value>\n</member>\n<member>\n<name>f</name>\n"
            + "<value><double>1.5</double></value>\n</member>\n<member>\n<name>empty</name>\n"
            + "<value><string></string></value>\n</member>\n<member>\n<name>list</name>\n"
            + "<value><array><data>\n<value><string>u</string></value>\n<value><int>2</int></value>\n"
            + "</data></array></value>\n</member>\n</struct></value>\n</data></array></value>\n</param>\n"
            + "</params>\n</methodResponse>\n";

    @Test
    void readsEveryTypeSupervisordAnswersWith() {
        Object value = XmlRpcCodec.response(PROCESS_INFOS);

        assertThat(value).isEqualTo(List.of(Map.of("name", "a&b <x>", "pid", 12, "ok", true, "f", 1.5, "empty", "",
                "list", List.of("u", 2))));
    }

    @Test
    void aFaultBecomesAnExceptionWithItsCode() {
        String fault = "<?xml version='1.0'?>\n<methodResponse>\n<fault>\n<value><struct>\n<member>\n"
                + "<name>faultCode</name>\n<value><int>6</int></value>\n</member>\n<member>\n<name>faultString</name>\n"
                + "<value><string>SHUTDOWN_STATE</string></value>\n</member>\n</struct></value>\n</fault>\n"
                + "</methodResponse>\n";

        assertThatThrownBy(() -> XmlRpcCodec.response(fault)).isInstanceOfSatisfying(XmlRpcCodec.Fault.class,
                e -> {
                    assertThat(e.code()).isEqualTo(SupervisordRpc.SHUTDOWN_STATE);
                    assertThat(e.getMessage()).isEqualTo("SHUTDOWN_STATE");
                });
    }

    @Test
    void anUntypedValueIsAStringWithItsSpacesAndEntitiesDecoded() {
        String body = "<methodResponse><params><param><value> one &#60;two&#x3E; &quot;3&quot; </value></param>"
                + "</params></methodResponse>";

        assertThat(XmlRpcCodec.response(body)).isEqualTo(" one <two> \"3\" ");
    }

    @Test
    void anythingElseIsMalformedNeverGuessed() {
        assertThatThrownBy(() -> XmlRpcCodec.response("<html>502 Bad Gateway</html>"))
                .isInstanceOf(XmlRpcCodec.MalformedResponse.class).hasMessageContaining("<methodResponse>");
        assertThatThrownBy(() -> XmlRpcCodec.response("<methodResponse><params><param><value><dateTime.iso8601>"
                + "20261202T10:00:00</dateTime.iso8601></value></param></params></methodResponse>"))
                .isInstanceOf(XmlRpcCodec.MalformedResponse.class).hasMessageContaining("dateTime.iso8601");
        assertThatThrownBy(() -> XmlRpcCodec.response("<methodResponse><params><param><value><int>1</int>"))
                .isInstanceOf(XmlRpcCodec.MalformedResponse.class);
    }

    @Test
    void aCallEscapesItsStringsSoANameCannotChangeTheRequest() {
        String call = XmlRpcCodec.methodCall("supervisor.startProcess", List.of("agents:x</string><int>1", false, 7));

        assertThat(call).isEqualTo("<?xml version=\"1.0\"?><methodCall><methodName>supervisor.startProcess"
                + "</methodName><params><param><value><string>agents:x&lt;/string&gt;&lt;int&gt;1</string></value>"
                + "</param><param><value><boolean>0</boolean></value></param><param><value><int>7</int></value>"
                + "</param></params></methodCall>");
    }
}
