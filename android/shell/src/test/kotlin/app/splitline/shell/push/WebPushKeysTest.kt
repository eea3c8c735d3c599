package app.splitline.shell.push

import java.math.BigInteger
import java.security.AlgorithmParameters
import java.security.spec.ECFieldFp
import java.security.spec.ECGenParameterSpec
import java.security.spec.ECParameterSpec
import java.util.Base64
import org.junit.Assert.assertEquals
import org.junit.Assert.assertNotEquals
import org.junit.Test

class WebPushKeysTest {
    @Test
    fun theKeysAreAnUncompressedP256PointAndA16ByteSecretInBase64url() {
        val keys = WebPushKeys.generate()
        val point = Base64.getUrlDecoder().decode(keys.p256dh)
        assertEquals(65, point.size)
        assertEquals(0x04.toByte(), point[0])
        assertEquals(16, Base64.getUrlDecoder().decode(keys.auth).size)
        assertEquals(-1, keys.p256dh.indexOf('='))
        // The point is on P-256: y² = x³ + ax + b (mod p).
        val params = AlgorithmParameters.getInstance("EC").apply { init(ECGenParameterSpec("secp256r1")) }
        val curve = params.getParameterSpec(ECParameterSpec::class.java).curve
        val p = (curve.field as ECFieldFp).p
        val x = BigInteger(1, point.copyOfRange(1, 33))
        val y = BigInteger(1, point.copyOfRange(33, 65))
        assertEquals(y.pow(2).mod(p), x.pow(3).add(curve.a.multiply(x)).add(curve.b).mod(p))
        assertNotEquals(keys, WebPushKeys.generate())
    }
}
