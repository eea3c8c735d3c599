package app.splitline.shell.account

import app.splitline.shell.core.coreResult
import app.splitline.shell.core.listenerFlow
import java.io.File
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.distinctUntilChanged
import kotlinx.coroutines.flow.map
import uniffi.splitline_bindings.ClientConfig
import uniffi.splitline_bindings.ClientStatus
import uniffi.splitline_bindings.SplitlineClient
import uniffi.splitline_bindings.StatusListener

/** Where the account is, as the app shows it. */
sealed class Connection {
    /** Signing in, or reconnecting after the network went away. */
    data object Connecting : Connection()

    /** In sync with the gateway. */
    data object Online : Connection()

    /** Not syncing: not signed in yet, signed off or stopped; [reason] when syncing failed. */
    data class Stopped(val reason: String?) : Connection()

    /** The network refused the stored password: sign in again. */
    data object PasswordRefused : Connection()
}

/** What the app knows of the account before it signs in (no password). */
data class AccountSettings(
    /** The gateway's addresses, in order of preference. */
    val gatewayEndpoints: List<String>,
    /** The network address, `name@domain`. */
    val address: String,
    /** This installation's id. */
    val deviceId: String,
    /** The app's build, for the gateway's logs. */
    val buildId: String,
    /** An extra root certificate (PEM) the gateway's TLS may chain to, for test and carrier gateways. */
    val extraRootPem: String? = null,
)

/**
 * The account on this device: the core's client over the store in
 * [storeDir]. Opening it shows what the store holds at once, before signing
 * in. Every screen's wrapper takes its object from here. Close it when the
 * app's process ends.
 */
class Account private constructor(internal val client: SplitlineClient) : AutoCloseable {
    /** Starts syncing with [password] and returns once online (or failed). */
    suspend fun signIn(password: String, timeoutSecs: UInt = 20u): Result<Unit> =
        coreResult { client.signIn(password, timeoutSecs) }

    /** Ends the session at the gateway and stops syncing; the store stays. */
    suspend fun signOff(): Result<Unit> = coreResult { client.signOff() }

    /** Stops syncing; the gateway keeps the session until its idle timeout. */
    suspend fun stop(): Result<Unit> = coreResult { client.stop() }

    /** The connection now. */
    fun connection(): Connection = client.status().toConnection()

    /** The connection now, then at each change. */
    val connections: Flow<Connection> =
        listenerFlow<ClientStatus> { emit ->
            client.subscribeStatus(
                object : StatusListener {
                    override fun onStatus(status: ClientStatus) = emit(status)
                },
            )
        }.map { it.toConnection() }.distinctUntilChanged()

    override fun close() = client.close()

    companion object {
        /** Opens the account whose store is in [storeDir] (created if new). */
        fun open(storeDir: File, settings: AccountSettings): Result<Account> =
            coreResult {
                val config = ClientConfig(
                    storePath = File(storeDir, "splitline.db").path,
                    gatewayEndpoints = settings.gatewayEndpoints,
                    extraRootPem = settings.extraRootPem,
                    jid = settings.address,
                    deviceId = settings.deviceId,
                    buildId = settings.buildId,
                )
                Account(SplitlineClient(config))
            }
    }
}

private fun ClientStatus.toConnection(): Connection =
    when (this) {
        ClientStatus.Connecting -> Connection.Connecting
        ClientStatus.Online -> Connection.Online
        ClientStatus.AuthFailed -> Connection.PasswordRefused
        is ClientStatus.Stopped -> Connection.Stopped(reason)
    }
