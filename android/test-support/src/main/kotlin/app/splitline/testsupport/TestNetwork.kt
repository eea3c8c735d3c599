package app.splitline.testsupport

/**
 * The real network `android/test.sh` starts for the tests: a Prosody and the
 * gateway in front of it, with the accounts listed there. Each test class
 * takes accounts of its own, so that sessions at the gateway never mix.
 * Outside that script the properties are missing and a test that needs the
 * network fails, saying so (it never passes without it).
 */
object TestNetwork {
    /** The gateway's URL, `http://127.0.0.1:PORT`. */
    val gateway: String get() = property("splitline.test.gateway")

    /**
     * A second gateway in front of the same server, with calls on: one
     * access number, `+442079460500` (local in GB, post-dial `,,2`), and
     * `+447400123456` verified as rupert's and heidi's mobile. Its SIP trunk
     * answers nothing, so it reserves call-throughs (which send no SIP) but
     * completes no callback.
     */
    val callsGateway: String get() = property("splitline.test.calls-gateway")

    /** The XMPP domain the accounts are in. */
    val domain: String get() = property("splitline.test.domain")

    /** The account `name@domain`; its password is `name-pw`. */
    fun account(name: String): TestAccount = TestAccount("$name@$domain", "$name-pw")

    private fun property(name: String): String =
        System.getProperty(name)?.takeIf { it.isNotEmpty() }
            ?: error("$name is not set: run these tests with android/test.sh (./build.sh android-test), which starts the network")
}

/** A network account of the test network. */
data class TestAccount(val address: String, val password: String) {
    override fun toString(): String = "TestAccount($address)"
}
