package app.splitline.shell.device

import app.splitline.shell.account.AccountSettings
import java.util.Base64

/**
 * Encrypts and decrypts the stored password. The app gives one backed by an
 * Android Keystore key; tests give their own. [seal]'s output carries
 * whatever the cipher needs to open it again (for AES/GCM: the IV).
 */
interface PasswordCipher {
    /** The sealed form of [plain]. */
    fun seal(plain: ByteArray): ByteArray

    /** The plain bytes of [sealed]; throws if the key is gone or the bytes were altered. */
    fun open(sealed: ByteArray): ByteArray
}

/** The stored password could not be decrypted (the key is gone, or the bytes were altered): set up again. */
class CredentialsUnreadable(cause: Throwable) : Exception("the stored password could not be decrypted", cause)

/**
 * What the device keeps of the account between runs: the gateway, the
 * address, this installation's id and the password, sealed. The password is
 * never held here in plain text; [password] decrypts it when signing in.
 */
class StoredCredentials(
    /** The gateway's addresses, in order of preference. */
    val gatewayEndpoints: List<String>,
    /** The network address, `name@domain`. */
    val address: String,
    /** This installation's id. */
    val deviceId: String,
    private val sealedPassword: ByteArray,
) {
    /** The account's settings, for `Account.open`. */
    fun settings(buildId: String): AccountSettings = AccountSettings(gatewayEndpoints, address, deviceId, buildId)

    /** The password, decrypted with [cipher]; [CredentialsUnreadable] when it cannot be. */
    fun password(cipher: PasswordCipher): Result<String> =
        runCatching { String(cipher.open(sealedPassword), Charsets.UTF_8) }
            .recoverCatching { throw CredentialsUnreadable(it) }

    /** The key-value entries to store: strings only, the password as Base64 ciphertext. */
    fun toEntries(): Map<String, String> =
        mapOf(
            KEY_GATEWAYS to gatewayEndpoints.joinToString("\n"),
            KEY_ADDRESS to address,
            KEY_DEVICE to deviceId,
            KEY_PASSWORD to Base64.getEncoder().encodeToString(sealedPassword),
        )

    override fun toString(): String = "StoredCredentials(address=$address, gateways=$gatewayEndpoints)"

    companion object {
        /** The keys [toEntries] writes (for a store to clear them). */
        val KEYS = listOf(KEY_GATEWAYS, KEY_ADDRESS, KEY_DEVICE, KEY_PASSWORD)

        /** Seals [password] with [cipher] beside [settings]. */
        fun seal(settings: AccountSettings, password: String, cipher: PasswordCipher): StoredCredentials =
            StoredCredentials(
                settings.gatewayEndpoints,
                settings.address,
                settings.deviceId,
                cipher.seal(password.toByteArray(Charsets.UTF_8)),
            )

        /** What [toEntries] wrote, read back through [get]; null if nothing (or only part) is stored. */
        fun fromEntries(get: (String) -> String?): StoredCredentials? {
            val gateways = get(KEY_GATEWAYS)?.split("\n")?.filter { it.isNotBlank() }.orEmpty()
            val address = get(KEY_ADDRESS)?.takeIf { it.isNotBlank() } ?: return null
            val device = get(KEY_DEVICE)?.takeIf { it.isNotBlank() } ?: return null
            val sealed = get(KEY_PASSWORD)?.let { runCatching { Base64.getDecoder().decode(it) }.getOrNull() } ?: return null
            if (gateways.isEmpty() || sealed.isEmpty()) return null
            return StoredCredentials(gateways, address, device, sealed)
        }
    }
}

private const val KEY_GATEWAYS = "gateways"
private const val KEY_ADDRESS = "address"
private const val KEY_DEVICE = "device_id"
private const val KEY_PASSWORD = "password_sealed"
