package app.splitline.android.device

import android.content.Context
import app.splitline.shell.device.PasswordCipher
import app.splitline.shell.device.StoredCredentials
import java.util.UUID

/**
 * The stored account in the app's private SharedPreferences: the gateway,
 * the address, the device id and the password as Keystore ciphertext only
 * ([StoredCredentials.toEntries]). The backup of these preferences is off
 * (`allowBackup="false"`), and the key would not travel with them anyway.
 */
class CredentialStore(context: Context) {
    private val prefs = context.applicationContext.getSharedPreferences(FILE, Context.MODE_PRIVATE)

    /** The stored account, or null before setup (or after [clear]). */
    fun load(): StoredCredentials? = StoredCredentials.fromEntries { prefs.getString(it, null) }

    /** Replaces the stored account with [credentials]. */
    fun save(credentials: StoredCredentials) {
        val edit = prefs.edit()
        credentials.toEntries().forEach { (key, value) -> edit.putString(key, value) }
        check(edit.commit()) { "the credentials could not be written" }
    }

    /** Forgets the stored account (the device id stays). */
    fun clear() {
        val edit = prefs.edit()
        StoredCredentials.KEYS.forEach(edit::remove)
        edit.apply()
    }

    /** This installation's id: made once, kept across sign-ins. */
    fun deviceId(): String =
        prefs.getString(DEVICE_ID, null) ?: UUID.randomUUID().toString().also { prefs.edit().putString(DEVICE_ID, it).apply() }

    companion object {
        /** The preferences file. */
        const val FILE = "credentials"
        private const val DEVICE_ID = "installation_id"

        /**
         * The cipher for the stored password: the Keystore's. Robolectric
         * tests replace it (there is no AndroidKeyStore there); nothing else may.
         */
        @Volatile
        var cipher: () -> PasswordCipher = { KeystoreCipher() }
    }
}
