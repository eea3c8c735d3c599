package app.splitline.shell.push

import app.splitline.shell.core.CoreError
import kotlinx.coroutines.runBlocking
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Test

/** The controller running the steps, with the distributor and gateway recorded (the real gateway is in PushTest). */
class PushControllerTest {
    private val said = mutableListOf<String>()
    private var gatewayUp = true
    private var syncs = 0

    private val gateway = object : PushGateway {
        override suspend fun settings() = answer { PushGatewaySettings("VAPID", null) }

        override suspend fun register(endpoint: PushEndpoint) = answer { said += "gateway register ${endpoint.url}" }

        override suspend fun unregister() = answer { said += "gateway unregister" }

        private fun <T> answer(ok: () -> T): Result<T> =
            if (gatewayUp) Result.success(ok()) else Result.failure(CoreError.Unreachable("down", null))
    }
    private val link = object : DistributorLink {
        override fun installed() = listOf("org.example.ntfy")

        override fun register(distributor: String, token: String, vapidKey: String) {
            said += "REGISTER $distributor $token $vapidKey"
        }

        override fun unregister(distributor: String, token: String) {
            said += "UNREGISTER $distributor $token"
        }

        override fun acknowledge(distributor: String, token: String, messageId: String) {
            said += "MESSAGE_ACK $distributor $token $messageId"
        }
    }
    private val store = object : PushStateStore {
        var state = PushState()

        override fun load() = state

        override fun save(state: PushState) {
            this.state = state
        }
    }
    private val controller = PushController(gateway, link, store, PushSetup({ "t1" }, { WebPushKeys("K", "A") })) { syncs++ }

    @Test
    fun aPickRegistersWithTheVapidKeyAndTheEndpointReachesTheGatewayOnceItIsUp() = runBlocking {
        assertEquals(emptyList<String>(), controller.pick("org.example.ntfy"))
        assertEquals(listOf("REGISTER org.example.ntfy t1 VAPID"), said)

        gatewayUp = false
        val problems = controller.handle(PushEvent.NewEndpoint("t1", "https://push.example/up/1"))
        assertTrue(problems.single().contains("tried again later"))
        assertEquals(false, controller.state().registered)

        gatewayUp = true
        controller.resume()
        assertEquals("gateway register https://push.example/up/1", said.last())
        assertTrue(controller.state().registered)
        assertEquals("each new endpoint is followed by a sync", 2, syncs)
    }

    @Test
    fun aMessageIsAcknowledgedAndSyncs() = runBlocking {
        controller.pick("org.example.ntfy")
        controller.handle(PushEvent.Message("t1", "m7"))
        assertEquals("MESSAGE_ACK org.example.ntfy t1 m7", said.last())
        assertEquals(1, syncs)
        controller.handle(PushEvent.Message("not-ours", null))
        assertEquals(1, syncs)
    }

    @Test
    fun withTheGatewayDownAPickSaysPushNeedsIt() = runBlocking {
        gatewayUp = false
        val problems = controller.pick("org.example.ntfy")
        assertTrue(problems.single().contains("needs the gateway"))
        assertEquals(emptyList<String>(), said)
    }
}
