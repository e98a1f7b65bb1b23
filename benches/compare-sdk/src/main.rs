//! One AssumeRole with aws-config + aws-sdk-sts against the endpoint given as the first
//! argument, source credentials from the environment; prints the access key id.

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let endpoint = std::env::args().nth(1).expect("endpoint URL");
    let config = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region("us-east-1")
        .endpoint_url(endpoint)
        .load()
        .await;
    let client = aws_sdk_sts::Client::new(&config);
    let out = client
        .assume_role()
        .role_arn("arn:aws:iam::123456789012:role/demo")
        .role_session_name("footprint")
        .send()
        .await
        .expect("AssumeRole");
    println!("{}", out.credentials().map(|c| c.access_key_id()).unwrap_or_default());
}
