package app.splitline.shell.device

/**
 * A stand-in for the app's Keystore cipher (no Keystore on the JVM): XOR with
 * a fixed key, reversible and not the plain text. Not security.
 */
class TestCipher : PasswordCipher {
    override fun seal(
        plain: ByteArray,
    ): ByteArray = plain.mapIndexed { i, b -> (b.toInt() xor KEY[i % KEY.size].toInt()).toByte() }.toByteArray()

    override fun open(sealed: ByteArray): ByteArray = seal(sealed)

    private companion object {
        val KEY = "test-cipher".toByteArray()
    }
}
