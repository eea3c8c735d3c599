// Runs the generated Kotlin bindings on the host JVM against the real gateway
// and Prosody (started by tests/jvm/run.sh): signs in, receives a message and
// sends one. Proves the FFI without an emulator.

import java.util.concurrent.LinkedBlockingQueue
import java.util.concurrent.TimeUnit
import kotlin.system.exitProcess
import kotlinx.coroutines.runBlocking
import uniffi.splitline_bindings.CallAsk
import uniffi.splitline_bindings.CallCallee
import uniffi.splitline_bindings.CallDevice
import uniffi.splitline_bindings.CallPreference
import uniffi.splitline_bindings.CallRoute
import uniffi.splitline_bindings.CallRules
import uniffi.splitline_bindings.ChangeInfo
import uniffi.splitline_bindings.DataNetwork
import uniffi.splitline_bindings.ChangeListener
import uniffi.splitline_bindings.ClientConfig
import uniffi.splitline_bindings.MessageInfo
import uniffi.splitline_bindings.MessageStatus
import uniffi.splitline_bindings.SplitlineClient
import uniffi.splitline_bindings.SplitlineException
import uniffi.splitline_bindings.initLogging

private var passed = 0
private var failed = 0

private fun check(name: String, ok: Boolean) {
    if (ok) {
        passed++
        println("ok: $name")
    } else {
        failed++
        println("FAILED: $name")
    }
}

private fun waitFor(seconds: Long, condition: () -> Boolean): Boolean {
    val deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds)
    while (System.nanoTime() < deadline) {
        if (condition()) return true
        Thread.sleep(100)
    }
    return condition()
}

private fun chatWithBob(client: SplitlineClient): List<MessageInfo> = client.messages("bob@localhost", null, 50u)

fun main(args: Array<String>) {
    val (gateway, storePath, password) = args
    initLogging("warn")
    initLogging("warn") // a second call is harmless
    val changes = LinkedBlockingQueue<ChangeInfo>()
    val client = SplitlineClient(
        ClientConfig(
            storePath = storePath,
            gatewayEndpoints = listOf(gateway),
            extraRootPem = null,
            jid = "alice@localhost",
            password = password,
            deviceId = "jvm-test",
            buildId = "jvm-test",
        ),
    )
    val subscription = client.subscribe(
        object : ChangeListener {
            override fun onChange(change: ChangeInfo) {
                changes.add(change)
            }
        },
    )

    val signedIn = try {
        runBlocking { client.signIn(30u) }
        true
    } catch (e: SplitlineException) {
        println("sign-in failed: ${e.message}")
        false
    }
    check("signIn returns once online", signedIn)
    check("the listener hears the client come online", waitFor(30) { changes.any { it.online == true } })

    val wrong = SplitlineClient(
        ClientConfig(
            storePath = "$storePath-wrong",
            gatewayEndpoints = listOf(gateway),
            extraRootPem = null,
            jid = "alice@localhost",
            password = "not-the-password",
            deviceId = "jvm-test-wrong",
            buildId = "jvm-test",
        ),
    )
    val refusedPassword = try {
        runBlocking { wrong.signIn(30u) }
        false
    } catch (e: SplitlineException.AuthFailed) {
        true
    }
    check("a wrong password is an AuthFailed exception", refusedPassword)
    wrong.close()
    check(
        "bob's message arrives in the store",
        waitFor(30) { chatWithBob(client).any { !it.outgoing && it.body == "hello from bob" } },
    )

    check("bob's message counts as unread", client.chats(0u, 10u).any { it.peer == "bob@localhost" && it.unread > 0u })
    check("markAllViewed names the chat it read", client.markAllViewed() == listOf("bob@localhost"))
    check("after markAllViewed nothing is unread", client.chats(0u, 10u).all { it.unread == 0u })

    val sent = client.sendMessage("bob@localhost", "hello from kotlin")
    check("a sent message shows at once as queued", sent.status == MessageStatus.QUEUED && sent.outgoing)
    check(
        "the message reaches the gateway and shows as sent",
        waitFor(30) { chatWithBob(client).any { it.body == "hello from kotlin" && it.status == MessageStatus.SENT } },
    )
    check("the chat list shows the chat with bob", client.chats(0u, 10u).any { it.peer == "bob@localhost" })

    val refused = try {
        client.sendMessage("not-an-address", "x")
        false
    } catch (e: SplitlineException.Invalid) {
        e.message.orEmpty().contains("not an address")
    }
    check("a bad address is a typed error with details, not a crash", refused)

    // Call planning: no platform SIP here, so carrier voice (a callback).
    val ask = CallAsk(
        callee = CallCallee.Number("020 7946 0018"),
        preference = CallPreference.AUTOMATIC,
        device = CallDevice(false, DataNetwork.CELLULAR, false, "GB", "23415"),
        rules = CallRules(voipOverData = true, voipOnCellular = true, callback = true, accessNumbers = true),
        homeCountry = "GB",
        verifiedNumber = "+447400123456",
    )
    val plan = runBlocking { client.planCall(ask) }
    check(
        "planCall chooses a callback with the number in E.164 and says why",
        plan.route == CallRoute.CALLBACK && plan.target == "+442079460018" && plan.explanation.isNotEmpty(),
    )
    val noRoute = try {
        runBlocking { client.planCall(ask.copy(verifiedNumber = null)) }
        false
    } catch (e: SplitlineException.CallNotPossible) {
        e.message.orEmpty().contains("not verified")
    }
    check("a call with no route left is CallNotPossible with the reasons", noRoute)
    val badNumber = try {
        runBlocking { client.planCall(ask.copy(callee = CallCallee.Number("12"))) }
        false
    } catch (e: SplitlineException.Invalid) {
        true
    }
    check("an invalid number is an Invalid exception", badNumber)
    // This gateway has calls off: placing one is a typed refusal, not a crash.
    val callsOff = try {
        runBlocking { client.placeCall(ask) }
        false
    } catch (e: SplitlineException.Invalid) {
        e.message.orEmpty().contains("404")
    }
    check("placeCall on a gateway without calls is an Invalid exception", callsOff)
    val verifyOff = try {
        runBlocking { client.verifyMobileNumber("+447400123456") }
        false
    } catch (e: SplitlineException.Invalid) {
        true
    }
    check("verifyMobileNumber on a gateway without calls is an Invalid exception", verifyOff)

    subscription.cancel()
    subscription.close()
    runBlocking { client.signOff() }
    val afterStop = try {
        client.contacts(0u, 10u)
        false
    } catch (e: SplitlineException.Invalid) {
        true
    }
    check("a stopped client refuses calls with an error", afterStop)
    client.close()

    println("$passed passed, $failed failed")
    exitProcess(if (failed == 0) 0 else 1)
}
