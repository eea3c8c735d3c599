package app.splitline.shell.push

import java.security.KeyPairGenerator
import java.security.SecureRandom
import java.security.interfaces.ECPublicKey
import java.security.spec.ECGenParameterSpec
import java.util.Base64

/**
 * The keys a Web Push subscription carries (RFC 8291): the device's P-256
 * public key, uncompressed, and a 16-byte authentication secret, both
 * base64url without padding. The gateway encrypts each push for them. The
 * app never reads a push's body (it syncs instead), so the private key is
 * not kept: a new registration makes new keys.
 */
data class WebPushKeys(val p256dh: String, val auth: String) {
    override fun toString(): String = "WebPushKeys(…)"

    companion object {
        /** Fresh keys. */
        fun generate(random: SecureRandom = SecureRandom()): WebPushKeys {
            val generator = KeyPairGenerator.getInstance("EC")
            generator.initialize(ECGenParameterSpec("secp256r1"), random)
            val public = generator.generateKeyPair().public as ECPublicKey
            val point = ByteArray(UNCOMPRESSED_POINT_BYTES)
            point[0] = 0x04
            fixed32(public.w.affineX.toByteArray()).copyInto(point, 1)
            fixed32(public.w.affineY.toByteArray()).copyInto(point, 1 + COORDINATE_BYTES)
            val auth = ByteArray(AUTH_BYTES).also(random::nextBytes)
            return WebPushKeys(base64url(point), base64url(auth))
        }

        private fun base64url(bytes: ByteArray): String = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes)

        /** A coordinate as exactly 32 bytes (BigInteger drops leading zeros or adds a sign byte). */
        private fun fixed32(bytes: ByteArray): ByteArray {
            val out = ByteArray(COORDINATE_BYTES)
            val start = maxOf(0, bytes.size - COORDINATE_BYTES)
            bytes.copyInto(out, COORDINATE_BYTES - (bytes.size - start), start)
            return out
        }

        private const val COORDINATE_BYTES = 32
        private const val UNCOMPRESSED_POINT_BYTES = 1 + 2 * COORDINATE_BYTES
        private const val AUTH_BYTES = 16
    }
}
