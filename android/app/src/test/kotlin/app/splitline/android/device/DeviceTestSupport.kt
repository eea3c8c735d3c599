package app.splitline.android.device

import android.app.AlertDialog
import android.os.Looper
import app.splitline.shell.device.PasswordCipher
import javax.crypto.Cipher
import javax.crypto.KeyGenerator
import javax.crypto.spec.GCMParameterSpec
import org.robolectric.Shadows.shadowOf
import org.robolectric.shadows.ShadowAlertDialog

/**
 * The tests' password cipher: AES/GCM from the JVM's own provider with a key
 * held in memory. Robolectric has no AndroidKeyStore, so [KeystoreCipher]
 * cannot run here; this one goes through the same shell interface.
 */
class SoftwareCipher : PasswordCipher {
    private val key = KeyGenerator.getInstance("AES").apply { init(256) }.generateKey()

    override fun seal(plain: ByteArray): ByteArray {
        val cipher = Cipher.getInstance("AES/GCM/NoPadding")
        cipher.init(Cipher.ENCRYPT_MODE, key)
        return cipher.iv + cipher.doFinal(plain)
    }

    override fun open(sealed: ByteArray): ByteArray {
        val cipher = Cipher.getInstance("AES/GCM/NoPadding")
        cipher.init(Cipher.DECRYPT_MODE, key, GCMParameterSpec(128, sealed, 0, 12))
        return cipher.doFinal(sealed, 12, sealed.size - 12)
    }
}

/** Clicks [button] of the dialog shown last; the dialog's click runs from the main looper. */
fun clickLatestDialog(button: Int) {
    val dialog = ShadowAlertDialog.getLatestAlertDialog() as? AlertDialog ?: error("no dialog shows")
    dialog.getButton(button).performClick()
    shadowOf(Looper.getMainLooper()).idle()
}
